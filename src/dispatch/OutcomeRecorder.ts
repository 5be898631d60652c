import type { AttemptOutcome, Store } from '../store/Store.js';
import { writeUntilStored } from './writeUntilStored.js';

/**
 * Group commit for attempt results. Outcomes that finish in the same turn of the event loop
 * are written in one transaction, so the cost of a commit is shared by hundreds of attempts.
 * While one batch is being written the next one collects; a failed write is retried, because
 * losing an outcome would only cause a duplicate send, but a hot retry loop would do harm.
 */
export class OutcomeRecorder {
  private pending: AttemptOutcome[] = [];
  private readonly waiters = new Map<AttemptOutcome, () => void>();
  private writing: Promise<void> | null = null;
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly onWritten: (outcomes: AttemptOutcome[]) => void,
    private readonly onError: (err: Error) => void,
    private readonly maxBatch = 2000,
  ) {}

  /** Resolves once this outcome is stored (an ordered lane must not look for its next head before). */
  addAndWait(outcome: AttemptOutcome): Promise<void> {
    const written = new Promise<void>((resolve) => this.waiters.set(outcome, resolve));
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

  /** Writes everything collected so far; resolves when all of it is stored. */
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
    await writeUntilStored(() => this.store.recordOutcomes(batch, Date.now()), this.onError);
    this.onWritten(batch);
    if (this.waiters.size > 0) {
      for (const o of batch) {
        this.waiters.get(o)?.();
        this.waiters.delete(o);
      }
    }
  }
}
