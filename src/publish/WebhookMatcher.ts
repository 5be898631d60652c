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
 * so the enabled webhooks of recently publishing businesses are kept compiled in memory:
 * their type filters and their payload filters. The cache holds at most `maxBusinesses`
 * (the least recently used goes first), so memory stays bounded however many businesses
 * publish. Every webhook change (by any process) stamps its business with a new webhooks
 * version in the same transaction; each publish asks the store which businesses changed since
 * the version last seen (one index range, almost always empty) and drops only those.
 */
export class WebhookMatcher {
  private version = -1;
  // A Map keeps insertion order, so re-inserting on use makes it least recently used first.
  private readonly byBusiness = new Map<string, CompiledWebhook[]>();
  // Counts refreshes that dropped something: a load that began before one may hold rows older
  // than the change, so it answers its own publish but is not kept.
  private drops = 0;

  constructor(
    private readonly store: Pick<Store, 'webhooksVersion' | 'webhookChangesSince' | 'webhooksOfBusiness'>,
    private readonly maxBusinesses: number,
  ) {}

  /** Call once per publish call; drops the businesses whose webhooks changed anywhere since the last call. */
  async refresh(): Promise<void> {
    if (this.version < 0) {
      const v = await this.store.webhooksVersion();
      if (this.version < 0) this.version = v;
      return;
    }
    const since = this.version;
    const changes = await this.store.webhookChangesSince(since);
    if (changes.businesses.length === 0 || changes.version <= this.version) return;
    this.version = changes.version;
    this.drops++;
    if (changes.businesses.length >= this.byBusiness.size) this.byBusiness.clear();
    else for (const b of changes.businesses) this.byBusiness.delete(b);
  }

  /** Businesses whose webhooks are compiled in memory now. */
  get size(): number {
    return this.byBusiness.size;
  }

  /**
   * The webhooks whose types include `type` and whose payload filter passes the event. The
   * subject is built only if some candidate has a filter, and at most once per call, so
   * webhooks without a filter cost nothing more than before.
   */
  async matching(businessId: string, type: string, subject?: () => FilterSubject, channels?: readonly string[] | null): Promise<WebhookRow[]> {
    const compiled = await this.compiledOf(businessId);
    return selectWebhooks(compiled, type, subject, channels);
  }

  private async compiledOf(businessId: string): Promise<CompiledWebhook[]> {
    const cached = this.byBusiness.get(businessId);
    if (cached) {
      this.byBusiness.delete(businessId);
      this.byBusiness.set(businessId, cached);
      return cached;
    }
    const drops = this.drops;
    const rows = await this.store.webhooksOfBusiness(businessId);
    const compiled = compileWebhooks(rows);
    if (drops === this.drops) {
      this.byBusiness.set(businessId, compiled);
      if (this.byBusiness.size > this.maxBusinesses) this.byBusiness.delete(this.byBusiness.keys().next().value!);
    }
    return compiled;
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
