import { BusinessShare, type ShareTotals } from './BusinessShare.js';
import type { EndpointQueue } from './EndpointQueue.js';
import { Fifo } from './Fifo.js';

/**
 * Decides which webhook queue starts the next attempt, so that one business cannot stall the
 * others (issue 12). The rule, docs/delivery.md#sharing-between-businesses:
 *
 * - Businesses take turns, one attempt each, and inside a business its webhooks take turns.
 * - While the pool (`HOOKLINE_MAX_IN_FLIGHT`) has room, whoever has work may use it: a lone
 *   business gets the whole pool.
 * - When the pool is full, a business below its share (the pool divided by the businesses with
 *   work here) may still start, and so may a webhook below its share of its business's share.
 *   An attempt cannot be taken back, so this is how a newcomer gets going at once while hung
 *   attempts of another business hold the pool: the pool stretches, up to twice its size, and
 *   shrinks back as the older attempts end, since nobody above its share starts until then.
 * - A queue that may not start waits in its business's stalled list: one of them gets a turn
 *   back each time a slot of the pool frees, and each time an attempt of its own business ends.
 *
 * Every step is O(1): no scan over businesses or queues per attempt.
 */
export class FairScheduler implements ShareTotals {
  inFlight = 0;
  activeBusinesses = 0;
  /** Queues in a ready ring or stalled: waiting for their turn. */
  waiting = 0;
  private readonly ceiling: number;
  private readonly businesses = new Map<string, BusinessShare>();
  private readonly ring = new Fifo<BusinessShare>();
  private readonly stalledBusinesses = new Fifo<BusinessShare>();

  constructor(private readonly maxInFlight: number) {
    this.ceiling = 2 * maxInFlight;
  }

  /** Counts the queue's deliveries with its business from now on. */
  attach(q: EndpointQueue, businessId: string): void {
    if (q.share) return;
    let b = this.businesses.get(businessId);
    if (!b) {
      b = new BusinessShare(businessId, this);
      this.businesses.set(businessId, b);
    }
    q.share = b;
    b.queues++;
    const load = q.queued + q.inFlight;
    if (load > 0) b.moved(0, load);
  }

  /** The queue is forgotten (idle): its business is too once it has no queue left. */
  detach(q: EndpointQueue): void {
    const b = q.share;
    if (!b) return;
    q.share = null;
    if (--b.queues === 0 && b.load === 0 && !b.inRing && !b.listedStalled) this.businesses.delete(b.businessId);
  }

  /** Attempts one business may have open while the pool is full. */
  share(): number {
    return Math.ceil(this.maxInFlight / Math.max(1, this.activeBusinesses));
  }

  /** The queue has something it could start: it waits for its business's turn. */
  offer(q: EndpointQueue): void {
    q.inRing = true;
    this.waiting++;
    this.requeue(q.share!, q);
  }

  /** The next queue allowed to start an attempt now, or null; the caller clears its `inRing`. */
  next(): EndpointQueue | null {
    for (;;) {
      if (this.inFlight >= this.ceiling) return null;
      // A free slot of the pool goes to a stalled queue first: it has waited longest.
      if (this.inFlight < this.maxInFlight) this.unstallOne();
      const b = this.ring.shift();
      if (!b) return null;
      b.inRing = false;
      const q = b.ready.shift()!;
      if (b.ready.length > 0) {
        b.inRing = true;
        this.ring.push(b);
      }
      if (this.allows(q)) {
        this.waiting--;
        return q;
      }
      b.stalled.push(q);
      if (!b.listedStalled) {
        b.listedStalled = true;
        this.stalledBusinesses.push(b);
      }
    }
  }

  /** Whether the queue may start one more attempt now (flow control aside). */
  allows(q: EndpointQueue): boolean {
    if (this.inFlight < this.maxInFlight) return true;
    if (this.inFlight >= this.ceiling) return false;
    const b = q.share!;
    const share = this.share();
    if (b.inFlight < share) return true;
    // A webhook of a business at its share still gets its own part of that share: one hung
    // webhook with a large max_in_flight cannot hold its business's other webhooks back.
    return q.inFlight < Math.floor(share / Math.max(1, b.activeQueues));
  }

  started(q: EndpointQueue): void {
    const before = q.queued + q.inFlight;
    q.inFlight++;
    this.inFlight++;
    const b = q.share!;
    b.inFlight++;
    b.moved(before, before + 1);
  }

  /** An attempt ended; true when a stalled queue got its turn back (the caller should pump). */
  finished(q: EndpointQueue): boolean {
    const before = q.queued + q.inFlight;
    q.inFlight--;
    this.inFlight--;
    const b = q.share!;
    b.inFlight--;
    b.moved(before, before - 1);
    // The pool may still be stretched past its size, yet this business is now further below
    // its share: one of its own stalled queues looks again.
    const s = b.stalled.shift();
    if (s) this.requeue(b, s);
    return s !== undefined || (this.inFlight < this.maxInFlight && this.stalledBusinesses.length > 0);
  }

  /** Businesses holding at least their share of `budget` (the process's deliveries held). */
  atShareOf(budget: number): string[] {
    const share = Math.ceil(budget / Math.max(1, this.activeBusinesses));
    const out: string[] = [];
    for (const b of this.businesses.values()) if (b.load >= share) out.push(b.businessId);
    return out;
  }

  /** Whether a business may hold one more delivery when the budget is spent: below its share of it. */
  belowShareOf(budget: number, businessId: string): boolean {
    const b = this.businesses.get(businessId);
    const load = b?.load ?? 0;
    const active = this.activeBusinesses + (load === 0 ? 1 : 0);
    return load < Math.ceil(budget / active);
  }

  clear(): void {
    this.ring.clear();
    this.stalledBusinesses.clear();
    this.waiting = 0;
  }

  private unstallOne(): void {
    for (;;) {
      const b = this.stalledBusinesses.shift();
      if (!b) return;
      const q = b.stalled.shift();
      if (q) this.requeue(b, q);
      if (b.stalled.length > 0) this.stalledBusinesses.push(b);
      else b.listedStalled = false;
      if (q) return;
    }
  }

  private requeue(b: BusinessShare, q: EndpointQueue): void {
    b.ready.push(q);
    if (!b.inRing) {
      b.inRing = true;
      this.ring.push(b);
    }
  }
}
