import type { ClientConfig } from '../config.js';
import { apiRequest } from './apiRequest.js';

// Pages of webhooks read at most per lookup: 1,000 webhooks, four times the default per-business cap.
const MAX_PAGES = 4;
const PAGE = 250;

/**
 * Webhook names for one command run, so that a delivery's webhook shows by name without a
 * request per line. One unknown id is asked for alone; several at once are looked up by
 * listing the business's webhooks. An id that stays unknown (deleted since, or a `hookline
 * listen` listener) is remembered as such and never asked for again in this run.
 */
export class WebhookNames {
  readonly #names = new Map<string, string | null>();
  readonly #path: string;

  constructor(
    private readonly client: ClientConfig,
    business: string,
  ) {
    this.#path = `/v1/businesses/${encodeURIComponent(business)}/webhooks`;
  }

  /** Looks up the ids not yet known; afterwards `nameOf` answers for each of them. */
  async load(ids: Iterable<string>): Promise<void> {
    const missing = new Set([...ids].filter((id) => !this.#names.has(id)));
    if (missing.size === 0) return;
    if (missing.size === 1) {
      const id = [...missing][0]!;
      const w = await apiRequest<{ name: string } | undefined>({ client: this.client, method: 'GET', path: `${this.#path}/${encodeURIComponent(id)}`, notFoundIsOk: true });
      this.#names.set(id, w?.name ?? null);
      return;
    }
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES && missing.size > 0; page++) {
      const list = await apiRequest<{ data: { id: string; name: string }[]; next_cursor: string | null }>({
        client: this.client,
        method: 'GET',
        path: this.#path,
        query: { limit: PAGE, cursor },
      });
      for (const w of list.data) {
        this.#names.set(w.id, w.name);
        missing.delete(w.id);
      }
      if (!list.next_cursor) break;
      cursor = list.next_cursor;
    }
    for (const id of missing) this.#names.set(id, null);
  }

  /** The webhook's name, or null when it is unknown (call `load` first). */
  nameOf(id: string): string | null {
    return this.#names.get(id) ?? null;
  }

  /** As a map for the deliveries table, which shows "-" for an id it lacks. */
  asMap(): ReadonlyMap<string, string> {
    const known = new Map<string, string>();
    for (const [id, name] of this.#names) if (name !== null) known.set(id, name);
    return known;
  }
}

/** `wh_… (CRM sync)`, or the id alone when the name is unknown. */
export function withName(id: string, name: string | null): string {
  return name === null ? id : `${id} (${name})`;
}
