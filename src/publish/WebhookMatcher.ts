import type { Store, WebhookRow } from '../store/Store.js';
import { compileFilter } from '../catalog/eventFilter.js';
import { channelsMatch } from '../catalog/channels.js';
import { compilePayloadFilter, type CompiledFilter, type FilterSubject } from '../catalog/payloadFilter/index.js';

export interface CompiledWebhook {
  webhook: WebhookRow;
  matches: (type: string) => boolean;
  /** The payload filter, compiled with the rest of the business's webhooks; null when it has none. */
  filter: CompiledFilter | null;
}

/**
 * Which of a business's webhooks want an event. Matching runs for every published event,
 * so each business's enabled webhooks are kept compiled in memory: their type filters and
 * their payload filters. The store's webhooks version (bumped in the same transaction as any
 * webhook change, by any process) tells when the cache is stale; reading it is one indexed row.
 */
export class WebhookMatcher {
  private version = -1;
  private readonly byBusiness = new Map<string, CompiledWebhook[]>();

  constructor(private readonly store: Pick<Store, 'webhooksVersion' | 'webhooksOfBusiness'>) {}

  /** Call once per publish call; clears the cache when any webhook changed anywhere. */
  async refresh(): Promise<void> {
    const v = await this.store.webhooksVersion();
    if (v !== this.version) {
      this.byBusiness.clear();
      this.version = v;
    }
  }

  /**
   * The webhooks whose types include `type` and whose payload filter passes the event. The
   * subject is built only if some candidate has a filter, and at most once per call, so
   * webhooks without a filter cost nothing more than before.
   */
  async matching(businessId: string, type: string, subject?: () => FilterSubject, channels?: readonly string[] | null): Promise<WebhookRow[]> {
    let compiled = this.byBusiness.get(businessId);
    if (!compiled) {
      compiled = compileWebhooks(await this.store.webhooksOfBusiness(businessId));
      this.byBusiness.set(businessId, compiled);
    }
    return selectWebhooks(compiled, type, subject, channels);
  }
}

/** A business's enabled webhooks, with their type filters and payload filters compiled. */
export function compileWebhooks(rows: readonly WebhookRow[]): CompiledWebhook[] {
  return rows.filter((w) => w.enabled).map((webhook) => ({ webhook, matches: compileFilter(webhook.events), filter: storedFilter(webhook) }));
}

/** The webhooks among `compiled` that want an event: its type first, then its channels, then its payload. */
export function selectWebhooks(
  compiled: readonly CompiledWebhook[],
  type: string,
  subject?: () => FilterSubject,
  channels?: readonly string[] | null,
): WebhookRow[] {
  const out: WebhookRow[] = [];
  let event: FilterSubject | undefined;
  for (const c of compiled) {
    if (!c.matches(type)) continue;
    if (c.webhook.channels && !channelsMatch(c.webhook.channels, channels)) continue;
    if (c.filter && subject && !c.filter.test((event ??= subject()))) continue;
    out.push(c.webhook);
  }
  return out;
}

/**
 * A stored filter was checked when it was saved. One that no longer parses (written by a newer
 * Hookline) is ignored rather than trusted to drop events: an unwanted delivery can be
 * filtered by its receiver, a lost one cannot be recovered (docs/filters.md#when-it-runs).
 */
function storedFilter(w: WebhookRow): CompiledFilter | null {
  if (w.filter === null || w.filter === undefined) return null;
  try {
    return compilePayloadFilter(w.filter);
  } catch {
    return null;
  }
}
