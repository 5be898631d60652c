import type { DispatchItem, WebhookRow } from '../store/Store.js';
import type { BusinessShare } from './BusinessShare.js';
import { EndpointHealth, type HealthPolicy } from './EndpointHealth.js';
import { TokenBucket } from './TokenBucket.js';

/** After a 429 without Retry-After the endpoint pauses 1 s, doubling with each 429 in a row up to a minute. */
const THROTTLE_PAUSE_MIN_MS = 1000;
const THROTTLE_PAUSE_MAX_MS = 60_000;
/** Retry-After pauses the endpoint within these bounds (the retry policy clamps the same way). */
const RETRY_AFTER_MIN_MS = 1000;
const RETRY_AFTER_MAX_MS = 3_600_000;

/**
 * The deliveries one process holds for one webhook, and everything that decides when the next
 * one may start: its own `max_in_flight` slots (so a slow endpoint fills only its own), its
 * rate limit, a pause the receiver asked for, its circuit (`health`), and whether this process
 * is the webhook's sender (PostgreSQL with several processes; always true otherwise).
 */
export class EndpointQueue {
  private items: DispatchItem[] = [];
  private head = 0;
  /** Attempts open; changed only by the scheduler (`FairScheduler.started`/`finished`), which keeps the business's counts with it. */
  inFlight = 0;
  /** The webhook's business, known from its first delivery or its row; it counts what this queue holds. */
  share: BusinessShare | null = null;
  /** When `webhook` was read from the store; 0 = read it before the next attempt. */
  loadedAt = 0;
  loading = false;
  /** The webhook is deleted: whatever comes for it fails without an attempt. */
  gone = false;
  /** True while this queue waits for its turn: in the scheduler's ready ring, or stalled. */
  inRing = false;
  /**
   * Waiting in its business's stalled list (the pool was full and it was not below its share):
   * the ticket of that stall, or 0.
   */
  stalled = 0;
  /** When it was first passed over with nothing in flight (0: it was not); see `STARVED_MS`. */
  waitingSince = 0;

  readonly bucket = new TokenBucket();
  readonly health: EndpointHealth;
  /** No attempt starts before this (a 429, or Retry-After on a 503). */
  pausedUntil = 0;
  /** Attempts allowed in flight after 429s: halved by each, one more back with each success. */
  throttle = Infinity;
  private throttled = 0;

  /** 'mine' until `senderUntil`; 'foreign' (another process sends) until `senderUntil`. */
  sender: 'unknown' | 'mine' | 'foreign';
  senderUntil: number;
  /** Last time an attempt started or a delivery arrived; idle webhooks give their sender lease back. */
  activeAt = 0;

  /** Fifo: the ordered lane is running, or its head cannot go before this time. */
  laneRunning = false;
  laneBlockedUntil = 0;

  timer: NodeJS.Timeout | null = null;
  timerAt = 0;

  constructor(
    readonly webhookId: string,
    public webhook: WebhookRow | null,
    policy: HealthPolicy,
    singleProcess: boolean,
  ) {
    this.health = new EndpointHealth(policy);
    this.sender = singleProcess ? 'mine' : 'unknown';
    this.senderUntil = singleProcess ? Infinity : 0;
  }

  get queued(): number {
    return this.items.length - this.head;
  }

  get fifo(): boolean {
    return this.webhook?.ordering === 'fifo';
  }

  /** Attempts this webhook may have open at once right now. */
  get limit(): number {
    if (this.fifo) return 1;
    return Math.max(1, Math.min(this.webhook?.max_in_flight ?? 1, this.throttle));
  }

  push(item: DispatchItem): void {
    this.items.push(item);
    const after = this.queued + this.inFlight;
    this.share?.moved(after - 1, after);
  }

  shift(): DispatchItem | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined as unknown as DispatchItem;
    const after = this.queued + this.inFlight;
    this.share?.moved(after + 1, after);
    // Compact now and then instead of Array#shift, which is O(n) per call.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Drops the deliveries with these ids (an ordered lane took them from the store itself). */
  remove(ids: ReadonlySet<string>): void {
    const before = this.queued + this.inFlight;
    this.items = this.items.slice(this.head).filter((it) => !ids.has(it.delivery.id));
    this.head = 0;
    this.share?.moved(before, this.queued + this.inFlight);
  }

  has(id: string): boolean {
    for (let i = this.head; i < this.items.length; i++) if (this.items[i]!.delivery.id === id) return true;
    return false;
  }

  /** Empties the queue and returns what it held. */
  drain(): DispatchItem[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    this.waitingSince = 0;
    this.share?.moved(rest.length + this.inFlight, this.inFlight);
    return rest;
  }

  /**
   * A 429, or a 503 with Retry-After: the receiver asked for less. The whole endpoint pauses
   * (not just the delivery that was refused), and after a 429 it also allows fewer attempts in
   * flight, growing back by one with each success.
   */
  slowDown(statusCode: number, retryAfterMs: number | null, now: number): void {
    let pause: number;
    if (statusCode === 429) {
      this.throttled++;
      this.throttle = Math.max(1, Math.floor(this.limit / 2));
      pause = retryAfterMs ?? Math.min(THROTTLE_PAUSE_MIN_MS * 2 ** (this.throttled - 1), THROTTLE_PAUSE_MAX_MS);
    } else if (retryAfterMs !== null) {
      pause = retryAfterMs;
    } else {
      return;
    }
    this.pausedUntil = Math.max(this.pausedUntil, now + Math.min(Math.max(pause, RETRY_AFTER_MIN_MS), RETRY_AFTER_MAX_MS));
  }

  /** A success: additive increase back towards `max_in_flight`. */
  recovered(): void {
    this.throttled = 0;
    if (this.throttle !== Infinity) {
      this.throttle += 1;
      if (this.throttle >= (this.webhook?.max_in_flight ?? 1)) this.throttle = Infinity;
    }
  }
}
