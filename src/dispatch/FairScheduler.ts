import { BusinessShare, type ShareTotals } from './BusinessShare.js';
import type { EndpointQueue } from './EndpointQueue.js';
import { Fifo } from './Fifo.js';

/**
 * A webhook that has had nothing in flight for this long while the pool was full and its
 * business at its share may start one attempt anyway. Long enough that webhooks sharing a busy
 * pool evenly never reach it (each gets a turn within milliseconds), short beside any timeout.
 */
export const STARVED_MS = 100;

/**
 * Decides which webhook queue starts the next attempt, so that one business cannot stall the
 * others (issue 12). The rule, docs/delivery.md#sharing-between-businesses:
 *
 * - Businesses take turns, one attempt each, and inside a business its webhooks take turns.
 * - While the pool (`HOOKLINE_MAX_IN_FLIGHT`) has room, whoever has work may use it: a lone
 *   business gets the whole pool.
 * - When the pool is full, a business below its share (the pool divided by the businesses with
 *   work here) may still start. An attempt cannot be taken back, so this is how a newcomer gets
 *   going at once while hung attempts of another business hold the pool: the pool stretches, up
 *   to twice its size, and shrinks back as the older attempts end, since nobody above its share
 *   starts until then.
 * - Inside a business at its share, a webhook that has waited `STARVED_MS` with nothing in
 *   flight may keep one attempt going (its business's other webhook hung with a large
 *   `max_in_flight`), until it starts one the ordinary way.
 * - A queue that may not start waits in its business's stalled list: one of them gets a turn
 *   back each time a slot of the pool frees, and each time an attempt of its own business ends;
 *   a timer looks at them all again when one may have starved.
 *
 * Every step per attempt is O(1): no scan over businesses or queues per attempt.
 */
export class FairScheduler implements ShareTotals {
  inFlight = 0;
  /** Attempts waiting for their transformation: out of the pool's count, still attempts (see `stepAside`). */
  aside = 0;
  activeBusinesses = 0;
  /** Queues in a ready ring or stalled: waiting for their turn. */
  waiting = 0;
  private readonly ceiling: number;
  private readonly businesses = new Map<string, BusinessShare>();
  private readonly ring = new Fifo<BusinessShare>();
  private readonly stalledBusinesses = new Fifo<BusinessShare>();
  private starvation: NodeJS.Timeout | null = null;
  /** Numbers each stall, so that an entry left in a stalled list by a queue that moved on is known as stale. */
  private tickets = 0;

  /** `wake` is called when stalled queues got their turn back from the starvation timer. */
  constructor(
    private readonly maxInFlight: number,
    private readonly wake: () => void,
  ) {
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
    q.countWith(b);
    b.queues++;
    const load = q.queued + q.inFlight;
    if (load > 0) b.moved(0, load);
  }

  /** The queue is forgotten (idle): its business is too once it has no queue left. */
  detach(q: EndpointQueue): void {
    const b = q.share;
    if (!b) return;
    q.countWith(null);
    if (--b.queues === 0 && b.load === 0 && !b.inRing && !b.listedStalled) this.businesses.delete(b.businessId);
  }

  /** Attempts one business may have open while the pool is full. */
  share(): number {
    return Math.ceil(this.maxInFlight / Math.max(1, this.activeBusinesses));
  }

  /** The queue has something it could start: it waits for its business's turn. */
  offer(q: EndpointQueue): void {
    q.waitForTurn();
    this.waiting++;
    this.requeue(q.share!, q);
  }

  /** The next queue allowed to start an attempt now, or null; it has taken its turn (no longer `inRing`). */
  next(): EndpointQueue | null {
    for (;;) {
      if (this.inFlight >= this.ceiling) return null;
      // A free slot of the pool goes to a stalled queue first: it has waited longest. (Put back
      // in the ring instead, it would come after the queue whose attempt just freed the slot,
      // and find the pool full again.)
      if (this.inFlight < this.maxInFlight) {
        const s = this.takeStalled();
        if (s) {
          this.waiting--;
          s.tookTurn();
          return s;
        }
      }
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
        q.tookTurn();
        return q;
      }
      q.stall(++this.tickets);
      if (q.inFlight === 0) this.mayStarve(q);
      b.stalled.push(q);
      b.stalledTickets.push(q.stalled);
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
    // One hung webhook with a large max_in_flight cannot hold the other webhooks of its
    // business back: they keep one attempt going, and get their turns of the slots it frees.
    return q.inFlight === 0 && q.waitingSince > 0 && Date.now() - q.waitingSince >= STARVED_MS;
  }

  started(q: EndpointQueue): void {
    // Started the ordinary way: no longer starved. A starved webhook's own attempt keeps it so.
    if (q.waitingSince > 0 && (this.inFlight < this.maxInFlight || q.share!.inFlight < this.share())) q.notStarved();
    const before = q.queued + q.inFlight;
    q.attemptStarted();
    this.inFlight++;
    const b = q.share!;
    b.inFlight++;
    b.moved(before, before + 1);
  }

  /** Attempts under way, in the pool or aside: zero means idle. */
  get busy(): number {
    return this.inFlight + this.aside;
  }

  /**
   * An attempt that waits for its transformation (docs/transformations.md), not for the network,
   * leaves the pool's count and its business's; its webhook still counts it against
   * `max_in_flight`. The transform thread runs one batch at a time, so while it is busy the
   * transformed webhooks' attempts would otherwise hold slots the other webhooks send with:
   * scenario (g) measured the others at 0.74× of (a) with the pool at 256, 1.12× at 1024.
   * True when a stalled queue got its turn back (the caller should pump).
   */
  stepAside(q: EndpointQueue): boolean {
    this.inFlight--;
    this.aside++;
    const b = q.share!;
    b.inFlight--;
    let s: EndpointQueue | undefined = q;
    if (q.stalled) q.unstall();
    else s = this.unstalledOf(b);
    if (s) this.requeue(b, s);
    return s !== undefined || (this.inFlight < this.maxInFlight && this.stalledBusinesses.length > 0);
  }

  /** Back from its transformation, on its way to the network: it counts in the pool again (which may run over, as `allows` permits). */
  stepBack(q: EndpointQueue): void {
    this.aside--;
    this.inFlight++;
    q.share!.inFlight++;
  }

  /** An attempt ended; true when a stalled queue got its turn back (the caller should pump). */
  finished(q: EndpointQueue): boolean {
    const before = q.queued + q.inFlight;
    q.attemptEnded();
    this.inFlight--;
    const b = q.share!;
    b.inFlight--;
    b.moved(before, before - 1);
    // The pool may still be stretched past its size, yet this business is now further below its
    // share, and this queue may have nothing in flight any more: the queue itself, if it waits,
    // or else one of its business's stalled queues looks again. (Its entry in the stalled list
    // stays, and is skipped when reached: its ticket is no longer the queue's.)
    let s: EndpointQueue | undefined = q;
    if (q.stalled) q.unstall();
    else s = this.unstalledOf(b);
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
    if (this.starvation) clearTimeout(this.starvation);
    this.starvation = null;
  }

  /** A queue with nothing in flight was passed over: if it still is in STARVED_MS, it may start. */
  private mayStarve(q: EndpointQueue): void {
    q.passedOver(Date.now());
    if (this.starvation) return;
    this.starvation = setTimeout(() => {
      this.starvation = null;
      // Rare (only while a pool is full and a webhook starves), so every stalled queue looks again.
      for (let b = this.stalledBusinesses.shift(); b; b = this.stalledBusinesses.shift()) {
        b.listedStalled = false;
        for (let s = this.unstalledOf(b); s; s = this.unstalledOf(b)) this.requeue(b, s);
      }
      this.wake();
    }, STARVED_MS);
    this.starvation.unref();
  }

  /** The business's longest-stalled queue, taken off its stalled list. */
  private unstalledOf(b: BusinessShare): EndpointQueue | undefined {
    for (let q = b.stalled.shift(); q; q = b.stalled.shift()) {
      if (q.stalled !== b.stalledTickets.shift()) continue;
      q.unstall();
      return q;
    }
    return undefined;
  }

  /** The longest-stalled queue of the business that stalled first; businesses take turns. */
  private takeStalled(): EndpointQueue | undefined {
    for (;;) {
      const b = this.stalledBusinesses.shift();
      if (!b) return undefined;
      const q = this.unstalledOf(b);
      if (b.stalled.length > 0) this.stalledBusinesses.push(b);
      else b.listedStalled = false;
      if (q) return q;
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
