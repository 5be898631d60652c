import type { ExhaustedDelivery, HealthChange, HooklineEvents } from '../events.js';
import type { Store, WebhookRow } from '../store/Store.js';
import type { EventInput, Publisher } from './Publisher.js';

/**
 * The reserved business that hears every business's operational events: the admin creates it
 * (`POST /v1/businesses {"id": "_platform"}`) and subscribes its webhooks to `hookline/*`.
 */
export const PLATFORM_BUSINESS = '_platform';

type Pending = { kind: 'health'; change: HealthChange } | { kind: 'exhausted'; delivery: ExhaustedDelivery };

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * Turns what the dispatcher observes into Hookline's own events (hookline/webhook.failing,
 * …disabled, …recovered, hookline/delivery.exhausted) and publishes them through the
 * Publisher like any event, so that a business hears about its broken integrations
 * (docs/reliability.md#operational-events). A broken endpoint can exhaust thousands of
 * deliveries in a minute, so they are collected and published a batch per turn of the event
 * loop. Best effort: an operational event lost to a crash between the outcome being stored and
 * the event being published is not sent again.
 */
export class OperationalEvents {
  private pending: Pending[] = [];
  private scheduled = false;
  private writing: Promise<void> = Promise.resolve();
  /** Businesses are never deleted, so once the platform business is seen it need not be looked up again. */
  private platformSeen = false;
  private readonly onHealth = (change: HealthChange): void => this.add({ kind: 'health', change });
  private readonly onExhausted = (delivery: ExhaustedDelivery): void => this.add({ kind: 'exhausted', delivery });

  constructor(
    private readonly deps: { store: Store; publisher: Publisher; events: HooklineEvents },
  ) {}

  start(): void {
    this.deps.events.on('webhook:health:changed', this.onHealth);
    this.deps.events.on('delivery:exhausted', this.onExhausted);
  }

  /** Stops listening and publishes what was collected. */
  async stop(): Promise<void> {
    this.deps.events.off('webhook:health:changed', this.onHealth);
    this.deps.events.off('delivery:exhausted', this.onExhausted);
    await this.flush();
  }

  private add(p: Pending): void {
    // Never about an attempt that itself carried an operational event: no event loops.
    if (p.kind === 'health' && (p.change.operational || !typeFor(p.change))) return;
    this.pending.push(p);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.publishPending());
    return this.writing;
  }

  private async publishPending(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, 500);
      try {
        const webhooks = new Map<string, WebhookRow | null>();
        for (const p of batch) {
          const id = p.kind === 'health' ? p.change.webhook_id : p.delivery.webhook_id;
          if (!webhooks.has(id)) webhooks.set(id, await this.deps.store.getWebhookById(id));
        }
        const platform = await this.platformExists();
        const items: { businessId: string; input: EventInput; about: string }[] = [];
        for (const p of batch) {
          const about = p.kind === 'health' ? p.change.webhook_id : p.delivery.webhook_id;
          const input = this.toInput(p, webhooks.get(about) ?? null);
          if (!input) continue;
          const businessId = p.kind === 'health' ? p.change.business_id : p.delivery.business_id;
          items.push({ businessId, input, about });
          if (platform && businessId !== PLATFORM_BUSINESS) items.push({ businessId: PLATFORM_BUSINESS, input, about });
        }
        if (items.length > 0) await this.deps.publisher.publishOperational(items);
      } catch (err) {
        this.deps.events.emit('dispatcher:error', err as Error);
      }
    }
  }

  private toInput(p: Pending, w: WebhookRow | null): EventInput | null {
    if (!w) return null; // deleted meanwhile: nobody to tell about it
    const subject = { business_id: w.business_id, webhook_id: w.id, webhook_name: w.name, url: w.url };
    if (p.kind === 'exhausted') {
      const d = p.delivery;
      return {
        type: 'hookline/delivery.exhausted',
        data: { ...subject, delivery_id: d.delivery_id, event_id: d.event_id, event_type: d.event_type, attempts: d.attempt_count, last_status_code: d.status_code, last_error: d.error },
      };
    }
    const c = p.change;
    const type = typeFor(c)!;
    if (type === 'hookline/webhook.recovered') {
      return { type, data: { ...subject, failing_since: iso(c.previous_since), recovered_at: iso(c.since) } };
    }
    const data: Record<string, unknown> = { ...subject, since: iso(c.since), reason: c.reason ?? '' };
    if (type === 'hookline/webhook.failing') data.consecutive_failures = c.consecutive_failures;
    return { type, data };
  }

  private async platformExists(): Promise<boolean> {
    this.platformSeen ||= (await this.deps.store.getBusiness(PLATFORM_BUSINESS)) !== null;
    return this.platformSeen;
  }
}

function typeFor(c: HealthChange): string | null {
  if (c.state === 'unhealthy' && c.previous === 'healthy') return 'hookline/webhook.failing';
  if (c.state === 'disabled') return 'hookline/webhook.disabled';
  if (c.state === 'healthy' && c.previous === 'unhealthy') return 'hookline/webhook.recovered';
  return null;
}
