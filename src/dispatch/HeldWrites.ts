import type { Store } from '../store/Store.js';
import { writeUntilStored } from './writeUntilStored.js';

type Kind = 'park' | 'release' | 'fail';
const KINDS: readonly Kind[] = ['park', 'release', 'fail'];
/** The store statement that writes each kind (parking ignores the time it is given). */
const STATEMENT = { park: 'parkDeliveries', release: 'releaseLeases', fail: 'failDeliveries' } as const;

/**
 * Deliveries a process holds but will not attempt now: parked (webhook disabled or its circuit
 * open), released (another process is the webhook's sender), or failed (webhook deleted).
 * These come in bursts (a circuit opening parks a whole queue), so they are written in batches,
 * one statement per kind per turn of the event loop, retried with backoff while the store is
 * away; `done` is told when each batch is stored, so the dispatcher stops renewing those leases.
 * Once `giveUp` aborts (a stop past its grace period) nothing more is written: those deliveries
 * stay held, and the stopping dispatcher counts them among the leases it could not give back.
 */
export class HeldWrites {
  private pending: Record<Kind, string[]> = { park: [], release: [], fail: [] };
  private scheduled = false;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly owner: string,
    private readonly done: (ids: string[]) => void,
    private readonly onError: (err: Error) => void,
    private readonly giveUp?: AbortSignal,
  ) {}

  park(ids: string[]): void {
    this.add('park', ids);
  }

  release(ids: string[]): void {
    this.add('release', ids);
  }

  fail(ids: string[]): void {
    this.add('fail', ids);
  }

  private add(kind: Kind, ids: string[]): void {
    if (ids.length === 0) return;
    this.pending[kind].push(...ids);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.writing) void this.flush();
    });
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    for (;;) {
      const batch = this.pending;
      if (batch.park.length + batch.release.length + batch.fail.length === 0) return;
      this.pending = { park: [], release: [], fail: [] };
      this.writing = this.write(batch);
      await this.writing;
      this.writing = null;
    }
  }

  private async write(batch: Record<Kind, string[]>): Promise<void> {
    for (const kind of KINDS) {
      const ids = batch[kind];
      if (ids.length === 0) continue;
      if (!(await writeUntilStored(() => this.store[STATEMENT[kind]](this.owner, ids, Date.now()), this.onError, this.giveUp))) return;
      this.done(ids);
    }
  }
}
