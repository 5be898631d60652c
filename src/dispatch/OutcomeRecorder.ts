import type { AttemptOutcome, Store } from '../store/Store.js';
import { writeUntilStored } from './writeUntilStored.js';

/**
 * Group commit for attempt results. Outcomes that finish in the same turn of the event loop
 * are written in one transaction, so the cost of a commit is shared by hundreds of attempts.
 * While one batch is being written the next one collects; a failed write is retried, because
 * losing an outcome would only cause a duplicate send, but a hot retry loop would do harm.
 * Retrying ends when `giveUp` aborts (a stop past its grace period): what is not written by
 * then is counted in `abandoned`, and its deliveries are sent again after lease recovery.
 */
export class OutcomeRecorder {
  private pending: AttemptOutcome[] = [];
  private readonly waiters = new Map<AttemptOutcome, (stored: boolean) => void>();
  private writing: Promise<void> | null = null;
  private scheduled = false;
  /** Outcomes given up on: never written. */
  abandoned = 0;

  constructor(
    private readonly store: Store,
    private readonly onWritten: (outcomes: AttemptOutcome[]) => void,
    private readonly onError: (err: Error) => void,
    private readonly giveUp?: AbortSignal,
    private readonly maxBatch = 2000,
  ) {}

  /**
   * Resolves once this outcome is stored (an ordered lane must not look for its next head
   * before), with false instead when it was given up on.
   */
  addAndWait(outcome: AttemptOutcome): Promise<boolean> {
    const written = new Promise<boolean>((resolve) => this.waiters.set(outcome, resolve));
    this.add(outcome);
    return written;
  }

  add(outcome: AttemptOutcome): void {
    this.pending.push(outcome);
    if (!this.scheduled && !this.writing) {
      this.scheduled = true;
      setImmediate(() => this.flushSoon());
    }
  }

  get size(): number {
    return this.pending.length;
  }

  private flushSoon(): void {
    this.scheduled = false;
    if (!this.writing) void this.flush();
  }

  /** Writes everything collected so far; resolves when all of it is stored or given up on. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.writing = this.write(batch);
      await this.writing;
      this.writing = null;
    }
  }

  private async write(batch: AttemptOutcome[]): Promise<void> {
    const stored = await writeUntilStored(() => this.store.recordOutcomes(batch, Date.now()), this.onError, this.giveUp);
    if (stored) this.onWritten(batch);
    else this.abandoned += batch.length;
    if (this.waiters.size > 0) {
      for (const o of batch) {
        this.waiters.get(o)?.(stored);
        this.waiters.delete(o);
      }
    }
  }
}
