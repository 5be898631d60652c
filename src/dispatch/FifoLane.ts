import type { AttemptOutcome, DispatchItem, Store } from '../store/Store.js';
import type { EndpointQueue } from './EndpointQueue.js';

/** Deliveries an ordered lane leases per statement: the cost of a claim is shared by a run of them. */
const LANE_BATCH = 20;
/** A lane whose head waits for something no timer announces (a parked head) looks again this often. */
const LANE_RECHECK_MS = 5000;

/** What a lane needs from the queues that run it (an internal object of `DeliveryQueues`). */
export interface LaneHost {
  readonly store: Store;
  readonly workerId: string;
  readonly leaseMs: number;
  readonly running: boolean;
  /** Whether the queue's flow control lets one more attempt start now, and whether it is a circuit probe. */
  ready(q: EndpointQueue, now: number): { ok: true; probe: boolean } | { ok: false };
  /** Whether sharing with other businesses lets the lane send its next delivery now. */
  mayGoOn(q: EndpointQueue): boolean;
  hold(item: DispatchItem, now: number): void;
  /** One attempt, resolved once its outcome is stored; counts against the process's slots. */
  send(q: EndpointQueue, item: DispatchItem, opts: { probe: boolean }): Promise<{ ok: boolean; outcome: AttemptOutcome }>;
  schedule(q: EndpointQueue, at: number): void;
  onError(err: Error): void;
}

/**
 * Ordered delivery (`ordering: "fifo"`) for one webhook: one attempt at a time, in event order
 * (`created_at`, then event id), and a head that fails blocks the rest until it succeeds or
 * fails for good. Order is decided by the store, not by what this process happens to hold: a
 * retry waiting in the store, or a delivery beyond the in-memory cap, is still older than what
 * was just published. So the lane leases its head run from the store (`claimOrdered`) and
 * waits for each outcome to be stored before the next delivery goes: after a crash a receiver
 * may get the last delivery again, but never one out of order.
 */
export class FifoLane {
  constructor(private readonly host: LaneHost) {}

  /** Runs the lane until its head must wait; safe to call while it runs (a no-op then). `probe`: its first attempt is the open circuit's probe. */
  async run(q: EndpointQueue, { probe }: { probe: boolean }): Promise<void> {
    if (q.laneRunning) return;
    q.laneStarted();
    const { host } = this;
    try {
      let asProbe = probe;
      while (host.running) {
        const now = Date.now();
        const claim = await host.store.claimOrdered({
          owner: host.workerId,
          webhookId: q.webhookId,
          now,
          leaseUntil: now + host.leaseMs,
          limit: asProbe ? 1 : LANE_BATCH,
          includeParked: asProbe,
        });
        q.remove(new Set(claim.items.map((i) => i.delivery.id)));
        for (const item of claim.items) host.hold(item, now);
        if (claim.items.length === 0) {
          this.block(q, claim.blocked_until ?? (q.queued > 0 ? now + LANE_RECHECK_MS : 0));
          return;
        }
        for (let i = 0; i < claim.items.length; i++) {
          if (i > 0) {
            // Giving the turn back queues the rest: the scheduler runs the lane again in its turn.
            if (!host.mayGoOn(q)) return this.putBack(q, claim.items.slice(i));
            const ready = host.ready(q, Date.now());
            if (!ready.ok) return this.putBack(q, claim.items.slice(i));
            asProbe = ready.probe;
          }
          const result = await host.send(q, claim.items[i]!, { probe: asProbe });
          asProbe = false;
          if (!result.ok && result.outcome.status === 'retrying') {
            this.putBack(q, claim.items.slice(i + 1));
            this.block(q, result.outcome.next_attempt_at ?? Date.now() + LANE_RECHECK_MS);
            return;
          }
        }
        q.blockLane(0);
        const ready = host.ready(q, Date.now());
        if (!ready.ok) return;
        asProbe = ready.probe;
      }
    } catch (err) {
      host.onError(err as Error);
      this.block(q, Date.now() + 1000);
    } finally {
      q.laneStopped();
    }
  }

  /** Leased but not sent: they stay held (and renewed) in the queue until they are the head. */
  private putBack(q: EndpointQueue, items: DispatchItem[]): void {
    for (const item of items) q.push(item);
  }

  private block(q: EndpointQueue, until: number): void {
    q.blockLane(until);
    if (until > 0) this.host.schedule(q, until);
  }
}
