import type { EndpointQueue } from './EndpointQueue.js';
import { Fifo } from './Fifo.js';

/** What every business's counters add up to in one process. */
export interface ShareTotals {
  /** Businesses with deliveries queued or in flight in this process. */
  activeBusinesses: number;
}

/**
 * One business's part of the dispatcher: its webhooks waiting for a turn, and what it holds.
 * The fair scheduler (`FairScheduler`) serves businesses round-robin and, when the pool is
 * full, lets a business start only while it is below its share (docs/delivery.md#sharing-between-businesses).
 */
export class BusinessShare {
  /** Its webhook queues that may start an attempt, in turn. */
  readonly ready = new Fifo<EndpointQueue>();
  /** Its webhook queues that could start but found the pool full and their business over its share. */
  readonly stalled = new Fifo<EndpointQueue>();
  /** The ticket of each entry of `stalled`: an entry is current while its queue still holds that ticket. */
  readonly stalledTickets = new Fifo<number>();
  /** In the scheduler's ring of businesses. */
  inRing = false;
  /** In the scheduler's list of businesses with stalled queues (cleaned lazily). */
  listedStalled = false;
  inFlight = 0;
  /** Deliveries queued or in flight here, over all its webhooks. */
  load = 0;
  /** Its webhooks with deliveries queued or in flight. */
  activeQueues = 0;
  /** Webhook queues attached to it; the share is forgotten when none is left. */
  queues = 0;

  constructor(
    readonly businessId: string,
    private readonly totals: ShareTotals,
  ) {}

  /** One of its webhooks went from `before` deliveries (queued plus in flight) to `after`. */
  moved(before: number, after: number): void {
    this.load += after - before;
    if (before === 0) {
      if (after > 0 && this.activeQueues++ === 0) this.totals.activeBusinesses++;
    } else if (after === 0 && --this.activeQueues === 0) {
      this.totals.activeBusinesses--;
    }
  }
}
