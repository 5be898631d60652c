import type { DispatchItem, WebhookRow } from '../store/Store.js';
import type { BusinessShare } from './BusinessShare.js';
import { EndpointHealth, type HealthPolicy } from './EndpointHealth.js';
import { TokenBucket } from './TokenBucket.js';
import { timerDelay } from './timerDelay.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

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
  readonly inFlight: number = 0;
  /** The webhook's business, known from its first delivery or its row; it counts what this queue holds. */
  readonly share: BusinessShare | null = null;
  /** The webhook's settings as last read (or as the publisher had them), null before. */
  readonly webhook: WebhookRow | null = null;
  /** When `webhook` was read from the store; 0 = read it before the next attempt. */
  readonly loadedAt: number = 0;
  readonly loading: boolean = false;
  /** The webhook is deleted: whatever comes for it fails without an attempt. */
  readonly gone: boolean = false;
  /** True while this queue waits for its turn: in the scheduler's ready ring, or stalled. */
  readonly inRing: boolean = false;
  /**
   * Waiting in its business's stalled list (the pool was full and it was not below its share):
   * the ticket of that stall, or 0.
   */
  readonly stalled: number = 0;
  /** When it was first passed over with nothing in flight (0: it was not); see `STARVED_MS`. */
  readonly waitingSince: number = 0;

  readonly bucket = new TokenBucket();
  readonly health: EndpointHealth;
  /** No attempt starts before this (a 429, or Retry-After on a 503). */
  readonly pausedUntil: number = 0;
  /** Attempts allowed in flight after 429s: halved by each, one more back with each success. */
  private throttle = Infinity;
  private throttled = 0;

  /** 'mine' until `senderUntil`; 'foreign' (another process sends) until `senderUntil`. */
  readonly sender: 'unknown' | 'mine' | 'foreign';
  readonly senderUntil: number;
  /**
   * Deliveries were claimed for this webhook although another live process owns it (it left them
   * unclaimed too long): this process asks for the sender lease all the same, and keeps it while
   * the webhook is busy. Cleared with the lease.
   */
  readonly rescued: boolean = false;
  /** Last time an attempt started or a delivery arrived; idle webhooks give their sender lease back. */
  readonly activeAt: number = 0;

  /** Fifo: the ordered lane is running, or its head cannot go before this time. */
  readonly laneRunning: boolean = false;
  readonly laneBlockedUntil: number = 0;

  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;

  constructor(
    readonly webhookId: string,
    policy: HealthPolicy,
    opts: { singleProcess: boolean },
  ) {
    this.health = new EndpointHealth(policy);
    this.sender = opts.singleProcess ? 'mine' : 'unknown';
    this.senderUntil = opts.singleProcess ? Infinity : 0;
  }

  /**
   * The fields above are read-only to every other file: the queue's state changes only through
   * its methods below, which write them through this view of itself.
   */
  private get own(): Mutable<EndpointQueue> {
    return this;
  }

  /** A timer will look at this queue again. */
  get hasTimer(): boolean {
    return this.timer !== null;
  }

  // The scheduler's bookkeeping (FairScheduler).

  /** Counts what this queue holds with business `b` from now on (null: with none, the queue is forgotten). */
  countWith(b: BusinessShare | null): void {
    this.own.share = b;
  }
  attemptStarted(): void {
    this.own.inFlight++;
  }
  attemptEnded(): void {
    this.own.inFlight--;
  }
  waitForTurn(): void {
    this.own.inRing = true;
  }
  tookTurn(): void {
    this.own.inRing = false;
  }
  stall(ticket: number): void {
    this.own.stalled = ticket;
  }
  unstall(): void {
    this.own.stalled = 0;
  }
  passedOver(now: number): void {
    if (this.waitingSince === 0) this.own.waitingSince = now;
  }
  notStarved(): void {
    this.own.waitingSince = 0;
  }

  // The webhook's row.

  /** Settings to start from until the row is read (the publisher's copy). */
  startWith(webhook: WebhookRow): void {
    if (!this.webhook) this.own.webhook = webhook;
  }
  /** Read the row again before the next attempt (it changed, or another process may have changed it). */
  settingsStale(): void {
    this.own.loadedAt = 0;
  }
  loadStarted(): void {
    this.own.loading = true;
  }
  /** The row as read at `at` (null: the webhook is deleted). A newer row than the health came from is a change through the API (re-enabled, …). */
  loaded(w: WebhookRow | null, at: number): void {
    this.own.loading = false;
    if (!w) {
      this.own.gone = true;
      this.own.webhook = null;
    } else {
      if (this.loadedAt === 0 || this.health.syncedAt !== w.updated_at) this.health.adopt(w, at);
      this.own.webhook = w;
      this.bucket.configure(w.rate_limit);
    }
    this.own.loadedAt = at;
  }
  /** The store was away: keep sending with the row it has, trusted as of `at`. */
  loadFailed(at: number): void {
    this.own.loading = false;
    if (this.webhook && this.loadedAt > 0) this.own.loadedAt = at;
  }

  // Whose turn it is to send for the webhook (SenderLeases).

  senderIsMine(until: number): void {
    this.own.sender = 'mine';
    this.own.senderUntil = until;
  }
  senderIsForeign(until: number): void {
    this.own.sender = 'foreign';
    this.own.senderUntil = until;
    this.own.rescued = false;
  }
  senderUnknown(): void {
    this.own.sender = 'unknown';
    this.own.senderUntil = 0;
    this.own.rescued = false;
  }
  rescue(): void {
    this.own.rescued = true;
  }

  /** An attempt started or a delivery arrived. */
  touch(now: number): void {
    this.own.activeAt = now;
  }

  // The ordered lane (FifoLane).

  /** The lane's head cannot go before `until` (0: nothing blocks it). */
  blockLane(until: number): void {
    this.own.laneBlockedUntil = until;
  }
  laneStarted(): void {
    this.own.laneRunning = true;
  }
  laneStopped(): void {
    this.own.laneRunning = false;
  }

  /** Calls `fire` at `at`, unless a timer already looks at the queue before then. */
  wakeAt(at: number, fire: () => void): void {
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      fire();
    }, timerDelay(at - Date.now(), 1));
    this.timer.unref();
  }

  clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
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
    this.own.waitingSince = 0;
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
    this.own.pausedUntil = Math.max(this.pausedUntil, now + Math.min(Math.max(pause, RETRY_AFTER_MIN_MS), RETRY_AFTER_MAX_MS));
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
