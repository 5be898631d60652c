import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Config } from '../config.js';
import type { ClaimDueOptions, DispatchItem, Store } from '../store/Store.js';
import { timerDelay } from './timerDelay.js';

/** What the claim loop needs from the dispatcher it feeds (an internal object of `Dispatcher`). */
export interface ClaimHost {
  readonly workerId: string;
  /** Every delivery this process holds a lease on, with when the lease was taken or renewed. */
  readonly held: Map<string, number>;
  /** Queues claimed deliveries (and sends what it can). */
  take(items: DispatchItem[], at: number): void;
  /** Webhooks this process cannot queue more of: their deliveries stay in the store. */
  saturated(): string[];
  /** How many deliveries the claim may take, and the businesses whose deliveries it must leave in the store. */
  claimRoom(): { limit: number; excludeBusinesses: string[] };
  /** With other processes alive: whose webhooks this claim may take (undefined when alone: any). */
  shared?(now: number): ClaimDueOptions['shared'];
  onError(err: Error): void;
}

/**
 * The store half of dispatching: claims due deliveries (retries, deliveries another process
 * gave back, leases that ran out because their process died) and keeps the leases this process
 * holds from running out while their deliveries wait in a queue.
 */
export class ClaimLoop {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeSleeper: (() => void) | null = null;
  /** A wake came while the loop was claiming, not sleeping: the next sleep is skipped. */
  private wokenWhileAwake = false;

  constructor(
    private readonly store: Store,
    private readonly config: Config,
    private readonly host: ClaimHost,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Look for due deliveries now rather than at the next poll. */
  wake(): void {
    if (this.wakeSleeper) this.wakeSleeper();
    // The claim in progress may have read the store before what this wake is about was
    // committed; dropping the wake left it to the next poll (up to pollMs later).
    else this.wokenWhileAwake = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { store, config, host } = this;
    let failures = 0;
    while (this.running) {
      let full = false;
      // From here on, a wake means "since this claim began", which it may have missed.
      this.wokenWhileAwake = false;
      try {
        const room = host.claimRoom();
        if (room.limit > 0) {
          const limit = Math.min(config.claimBatch, room.limit);
          const now = Date.now();
          const items = await store.claimDue({
            owner: host.workerId,
            now,
            leaseUntil: now + config.leaseMs,
            limit,
            excludeWebhooks: host.saturated(),
            excludeBusinesses: room.excludeBusinesses,
            shared: host.shared?.(now),
          });
          const at = Date.now();
          const fresh: DispatchItem[] = [];
          for (const item of items) {
            // Ours already: its lease lapsed while the database was away and we took it again.
            // The copy queued (or its outcome waiting to be written) carries on; no second send.
            if (host.held.has(item.delivery.id)) host.held.set(item.delivery.id, at);
            else fresh.push(item);
          }
          host.take(fresh, at);
          // A full batch means more is waiting: claim again at once, so a backlog drains as fast as it is sent.
          full = items.length === limit;
        }
        failures = 0;
      } catch (err) {
        failures++;
        host.onError(err as Error);
      }
      if (full) await nextTurn();
      // Backs off while the store is down (up to 5 s) instead of failing, and logging, every poll.
      else await this.sleep(failures === 0 ? config.pollMs : Math.min(config.pollMs * 2 ** failures, Math.max(config.pollMs, 5_000)));
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.wokenWhileAwake) {
      this.wokenWhileAwake = false;
      return nextTurn();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.wakeSleeper = null;
        resolve();
      };
      const t = setTimeout(done, timerDelay(ms));
      this.wakeSleeper = done;
    });
  }

  /** Deliveries held longer than `olderThanMs` get their lease extended, so no other process takes them. */
  async renew(olderThanMs: number): Promise<void> {
    const { host } = this;
    const cutoff = Date.now() - olderThanMs;
    const ids: string[] = [];
    for (const [id, since] of host.held) if (since < cutoff) ids.push(id);
    if (ids.length === 0) return;
    const until = Date.now() + this.config.leaseMs;
    try {
      for (let i = 0; i < ids.length; i += 500) {
        await this.store.renewLeases(host.workerId, ids.slice(i, i + 500), until);
        await nextTurn();
      }
      const now = Date.now();
      for (const id of ids) if (host.held.has(id)) host.held.set(id, now);
    } catch (err) {
      host.onError(err as Error);
    }
  }
}
