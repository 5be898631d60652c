import type { HooklineEvents } from '../events.js';
import type { PurgeBatch, Store } from '../store/Store.js';
import { timerDelay } from '../dispatch/timerDelay.js';

const DAY_MS = 86_400_000;
/** The smallest batch time-based sizing goes down to. */
const MIN_BATCH = 10;

export interface RetentionSweeperOptions {
  store: Store;
  events: HooklineEvents;
  /** Days to keep; 0 keeps everything and the sweeper never runs. */
  retentionDays: number;
  /** Default 5 minutes: a pass purges what aged out since the last, so a short one is cheap. */
  intervalMs?: number;
  /** Default 30 s after start, so a starting process first catches up on deliveries. */
  firstSweepMs?: number;
  /** Default 1000: the most rows one transaction looks at. */
  batchSize?: number;
  /** Default 20 ms: batches that take longer are halved (down to 10 rows), faster ones grow back. */
  batchTargetMs?: number;
  /** Default `Date.now`; tests move time. */
  now?: () => number;
}

export interface RetentionSweepResult {
  deliveries: number;
  attempts: number;
  events: number;
  batches: number;
  duration_ms: number;
  /** False when the pass was cut short by stop(); the next one picks up the rest. */
  complete: boolean;
}

/**
 * Purges what is older than the retention window, in the background of `serve` and `worker`.
 * Every batch is its own short transaction, with a turn of the event loop between batches, so
 * publishing and delivery never wait long on it. Where several processes share PostgreSQL,
 * the store lets one of them sweep at a time and the others skip their turn.
 */
export class RetentionSweeper {
  private readonly intervalMs: number;
  private readonly firstSweepMs: number;
  private readonly batchSize: number;
  private readonly batchTargetMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RetentionSweepResult | null> | null = null;
  private stopping = false;
  private stopped: Promise<void> | null = null;

  constructor(private readonly opts: RetentionSweeperOptions) {
    this.intervalMs = opts.intervalMs ?? 5 * 60_000;
    this.firstSweepMs = opts.firstSweepMs ?? 30_000;
    this.batchSize = opts.batchSize ?? 1000;
    this.batchTargetMs = opts.batchTargetMs ?? 20;
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    if (this.opts.retentionDays <= 0 || this.timer || this.stopping) return;
    this.schedule(this.firstSweepMs);
  }

  /** Stops between two batches of a pass in progress; resolves when it has. Safe to call twice. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      // The pass's own error is the timer's (or sweep()'s caller's) to report; stopping still succeeds.
      await this.running?.catch(() => undefined);
    })();
    return this.stopped;
  }

  /**
   * One pass now; null when another process holds the sweep or one is running here already.
   * Errors (the database going away mid-pass) are the caller's; the timer reports them.
   */
  sweep(): Promise<RetentionSweepResult | null> {
    if (this.running || this.stopping) return Promise.resolve(null);
    this.running = this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => void this.tick(), timerDelay(ms));
    // Retention alone must not keep a process alive.
    this.timer.unref();
  }

  /** Never rejects: a failed pass, or a listener that throws, is reported and the timer goes on. */
  private async tick(): Promise<void> {
    this.timer = null;
    try {
      const result = await this.sweep();
      if (result && (result.deliveries > 0 || result.events > 0)) this.opts.events.emit('retention:swept', result);
    } catch (err) {
      try {
        this.opts.events.emit('retention:error', err as Error);
      } catch {
        // Whoever listens failed too; the next pass will report again.
      }
    }
    if (!this.stopping) this.schedule(this.intervalMs);
  }

  private async pass(): Promise<RetentionSweepResult | null> {
    const started = this.now();
    const sweep = await this.opts.store.beginRetentionSweep();
    if (!sweep) return null;
    const before = started - this.opts.retentionDays * DAY_MS;
    const result: RetentionSweepResult = { deliveries: 0, attempts: 0, events: 0, batches: 0, duration_ms: 0, complete: false };
    try {
      // Deliveries first: an event goes only once none of its deliveries is left.
      const deliveriesDone = await this.batches(before, async (batch) => {
        const r = await sweep.purgeDeliveries(batch);
        result.deliveries += r.deliveries;
        result.attempts += r.attempts;
        return r.cursor;
      }, result);
      const eventsDone = deliveriesDone && (await this.batches(before, async (batch) => {
        const r = await sweep.purgeEvents(batch);
        result.events += r.events;
        return r.cursor;
      }, result));
      result.complete = eventsDone;
    } finally {
      await sweep.end();
    }
    result.duration_ms = this.now() - started;
    return result;
  }

  /**
   * Runs batches until the cursor runs out (true) or stop() is called (false).
   *
   * Batches are sized by time as well as rows. SQLite deletes synchronously, so a batch stalls
   * the whole process while it runs, and deleting from seven indexes at cold pages is slow: a
   * first batch of 1,000 took 2 s at 10 million deliveries, later ones about 70 ms at 1 million
   * (docs/architecture.md#query-plans-at-10-million-rows). After each batch the sweeper rests
   * as long as the batch took, so retention never takes more than half of the process's time.
   */
  private async batches(before: number, run: (batch: PurgeBatch) => Promise<string | null>, result: RetentionSweepResult): Promise<boolean> {
    let cursor: string | null = null;
    let limit = this.batchSize;
    do {
      if (this.stopping) return false;
      const t0 = performance.now();
      cursor = await run({ before, cursor, limit });
      const ms = performance.now() - t0;
      result.batches++;
      if (ms > this.batchTargetMs) limit = Math.max(MIN_BATCH, Math.floor(limit / 2));
      else if (ms < this.batchTargetMs / 4) limit = Math.min(this.batchSize, limit * 2);
      await new Promise((r) => setTimeout(r, Math.min(ms, 1000)));
    } while (cursor !== null);
    return true;
  }
}
