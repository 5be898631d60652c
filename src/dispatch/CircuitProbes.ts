import type { DispatchItem, Store, WebhookRow } from '../store/Store.js';
import type { EndpointQueue } from './EndpointQueue.js';

/** What circuit probing needs from the queues (an internal object of `DeliveryQueues`). */
export interface ProbeHost {
  readonly store: Store;
  readonly workerId: string;
  readonly leaseMs: number;
  readonly held: Map<string, number>;
  queueFor(webhookId: string): EndpointQueue;
  load(q: EndpointQueue): void;
  kick(q: EndpointQueue): void;
  schedule(q: EndpointQueue, at: number): void;
  isSender(q: EndpointQueue, w: WebhookRow, now: number): boolean;
  take(items: DispatchItem[], at: number): void;
  wake(): void;
  onError(err: Error): void;
}

/**
 * The open circuit's side of the store. While a circuit is open its deliveries are parked
 * (`next_attempt_at` NULL), so nothing brings them back by itself: at each probe time the
 * sender takes the oldest one (for a fifo webhook, its head) and sends it as the probe; when a
 * probe succeeds everything parked is made due again. Processes that restart, or take over a
 * webhook whose sender died, find open circuits with a periodic sweep.
 */
export class CircuitProbes {
  private readonly fetching = new Set<EndpointQueue>();

  constructor(private readonly host: ProbeHost) {}

  /** An open circuit is due a probe and nothing is queued for it: fetch one from the store. */
  async fetch(q: EndpointQueue, now: number): Promise<void> {
    const { host } = this;
    const w = q.webhook;
    if (!w || q.loading || q.laneRunning || this.fetching.has(q) || !host.isSender(q, w, now)) return;
    this.fetching.add(q);
    try {
      const opts = { owner: host.workerId, webhookId: q.webhookId, now, leaseUntil: now + host.leaseMs };
      const item = q.fifo
        ? (await host.store.claimOrdered({ ...opts, limit: 1, includeParked: true })).items[0]
        : await host.store.claimProbe(opts);
      if (item && !host.held.has(item.delivery.id)) {
        host.take([item], Date.now());
        return;
      }
      // Nothing to probe with: the next delivery that arrives will be the probe, or look again
      // later. That includes a delivery this process still holds because its park is not yet
      // written: returning without a next probe time would leave the circuit to the 30 s sweep.
      q.health.probeLater(Date.now());
    } catch (err) {
      host.onError(err as Error);
      q.health.probeLater(Date.now());
    } finally {
      this.fetching.delete(q);
    }
    host.schedule(q, q.health.probeAt);
  }

  /** The circuit closed: what it parked is due again, for whichever process sends for the webhook. */
  closed(q: EndpointQueue): void {
    q.blockLane(0);
    this.host.store.unparkWebhook(q.webhookId, Date.now()).then(
      (n) => n > 0 && this.host.wake(),
      (err: Error) => this.host.onError(err),
    );
  }

  /** Open circuits this process does not know of yet get looked at too. */
  async sweep(): Promise<void> {
    const { host } = this;
    try {
      for (const id of await host.store.unhealthyWebhookIds()) {
        const q = host.queueFor(id);
        if (q.loadedAt === 0) host.load(q);
        else host.kick(q);
      }
    } catch (err) {
      host.onError(err as Error);
    }
  }
}
