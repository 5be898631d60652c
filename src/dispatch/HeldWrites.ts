import type { Store } from '../store/Store.js';

type Kind = 'park' | 'release' | 'fail';

/**
 * Deliveries a process holds but will not attempt now: parked (webhook disabled or its circuit
 * open), released (another process is the webhook's sender), or failed (webhook deleted).
 * These come in bursts (a circuit opening parks a whole queue), so they are written in batches,
 * one statement per kind per turn of the event loop, retried with backoff while the store is
 * away; `done` is told when each batch is stored, so the dispatcher stops renewing those leases.
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
    for (const kind of ['park', 'release', 'fail'] as const) {
      const ids = batch[kind];
      for (let delay = 50; ids.length > 0; delay = Math.min(delay * 2, 5_000)) {
        try {
          if (kind === 'park') await this.store.parkDeliveries(this.owner, ids);
          else if (kind === 'release') await this.store.releaseLeases(this.owner, ids, Date.now());
          else await this.store.failDeliveries(this.owner, ids, Date.now());
          this.done(ids);
          break;
        } catch (err) {
          this.onError(err as Error);
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    }
  }
}
