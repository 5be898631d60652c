import type { Store, WebhookRow } from '../store/Store.js';
import { compileFilter } from '../catalog/eventFilter.js';

interface Compiled {
  webhook: WebhookRow;
  matches: (type: string) => boolean;
}

/**
 * Which of a business's webhooks want an event type. Matching runs for every published event,
 * so each business's enabled webhooks are kept compiled in memory. The store's webhooks
 * version (bumped in the same transaction as any webhook change, by any process) tells when
 * the cache is stale; reading it is one indexed row.
 */
export class WebhookMatcher {
  private version = -1;
  private readonly byBusiness = new Map<string, Compiled[]>();

  constructor(private readonly store: Store) {}

  /** Call once per publish call; clears the cache when any webhook changed anywhere. */
  async refresh(): Promise<void> {
    const v = await this.store.webhooksVersion();
    if (v !== this.version) {
      this.byBusiness.clear();
      this.version = v;
    }
  }

  async matching(businessId: string, type: string): Promise<WebhookRow[]> {
    let compiled = this.byBusiness.get(businessId);
    if (!compiled) {
      const rows = await this.store.webhooksOfBusiness(businessId);
      compiled = rows.filter((w) => w.enabled).map((webhook) => ({ webhook, matches: compileFilter(webhook.events) }));
      this.byBusiness.set(businessId, compiled);
    }
    const out: WebhookRow[] = [];
    for (const c of compiled) if (c.matches(type)) out.push(c.webhook);
    return out;
  }
}
