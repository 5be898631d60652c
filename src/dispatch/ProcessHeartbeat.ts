import { hostname } from 'node:os';
import type { HooklineEvents } from '../events.js';
import type { ProcessRow, ReleasedLeases, Store } from '../store/Store.js';

/** A process silent for this many heartbeat intervals is dead; its leases go back at once. */
export const DEAD_AFTER_BEATS = 5;

export interface ProcessHeartbeatDeps {
  store: Store;
  events: HooklineEvents;
  /** The dispatcher's worker id: the owner named on its leases. */
  workerId: string;
  mode: ProcessRow['mode'];
  heartbeatMs: number;
  /** Leases of other processes were given back: what they held is due, their webhooks free. */
  onReleased: (released: ReleasedLeases) => void;
  /**
   * Where several processes share the store: the ids of those alive (this one included), read
   * after every beat, so the dispatcher can spread the webhooks over them.
   */
  onLive?: (ids: string[]) => void;
}

/**
 * Registers this process and beats its heartbeat, and gives back the leases of processes that
 * stopped beating (issue 12: a SIGKILLed process's deliveries waited for their 120 s lease).
 *
 * Where several processes share the store, each one, every beat, releases the leases of any
 * process silent for DEAD_AFTER_BEATS intervals, but only once it has itself beaten without a
 * gap for that long: after a database outage every process is silent, and the first one back
 * must not take the others for dead before they have had the same chance to beat. Where the
 * store serves one process (SQLite, whose file this process has locked), nobody else can be
 * alive: at start every lease that is not this process's belongs to a process that died, and
 * goes back before the first claim.
 */
export class ProcessHeartbeat {
  private row: ProcessRow | null = null;
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;
  private stopped = false;
  /** The last beat that was stored, and since when beats have been stored with no gap. */
  private lastBeat = 0;
  private beatingSince = 0;
  private failing = false;

  constructor(private readonly deps: ProcessHeartbeatDeps) {}

  async start(): Promise<void> {
    const { store, workerId, mode } = this.deps;
    const now = Date.now();
    this.row = { id: workerId, host: hostname(), pid: process.pid, mode, started_at: now, heartbeat_at: now };
    await store.heartbeat(this.row);
    this.beaten(now);
    if (!store.capabilities.multiProcess) this.report(await store.releaseLeasesNotOwnedBy(workerId, now));
    // Before the first claim, so a process that joins does not take every webhook for its first second.
    else await this.readLive(now);
    this.timer = setInterval(() => void this.beat(), this.deps.heartbeatMs);
    this.timer.unref();
  }

  /** One beat at a time: a slow store must not pile them up. */
  private beat(): Promise<void> {
    this.beating ??= this.beatOnce().finally(() => (this.beating = null));
    return this.beating;
  }

  private async beatOnce(): Promise<void> {
    const { store, events } = this.deps;
    if (!this.row || this.stopped) return;
    const now = Date.now();
    try {
      const alive = await store.heartbeat({ ...this.row, heartbeat_at: now });
      this.beaten(now);
      if (!alive) {
        // Silent too long (a stalled event loop, a lost database): its leases are someone else's now,
        // and outcomes written under them will be dropped. It carries on as a new process would.
        events.emit('dispatcher:error', new Error(`process ${this.row.id} was declared dead after ${DEAD_AFTER_BEATS} missed heartbeats; its leases were given to other processes`));
      }
      if (store.capabilities.multiProcess && now - this.beatingSince >= this.deadAfterMs) this.report(await this.releaseDead(now));
      if (store.capabilities.multiProcess) await this.readLive(now);
      this.failing = false;
    } catch (err) {
      // Once per outage, not once a second: the claim loop reports the outage too.
      if (!this.failing) events.emit('dispatcher:error', err as Error);
      this.failing = true;
    }
  }

  private get deadAfterMs(): number {
    return DEAD_AFTER_BEATS * this.deps.heartbeatMs;
  }

  private beaten(now: number): void {
    if (now - this.lastBeat > 2 * this.deps.heartbeatMs) this.beatingSince = now;
    this.lastBeat = now;
  }

  /** Alive: beat within the interval after which a process is taken for dead, the same rule `releaseDead` applies. */
  private async readLive(now: number): Promise<void> {
    if (!this.deps.onLive) return;
    const rows = await this.deps.store.listProcesses();
    this.deps.onLive(rows.filter((r) => r.heartbeat_at >= now - this.deadAfterMs).map((r) => r.id));
  }

  private releaseDead(now: number): Promise<ReleasedLeases> {
    const deadBefore = now - this.deadAfterMs;
    return this.deps.store.releaseDeadProcesses({ now, deadBefore, except: this.deps.workerId });
  }

  private report(released: ReleasedLeases): void {
    if (released.processes.length === 0 && released.deliveries === 0 && released.senders === 0) return;
    this.deps.events.emit('process:leases:released', released);
    this.deps.onReleased(released);
  }

  /**
   * Stops beating and removes this process's row; call after its leases were given back.
   * `keepRow`: some were not (a stop that gave up on the store), and the silent row is how
   * another process, or the next start, finds them and gives them back. Safe to call twice.
   */
  async stop({ keepRow = false }: { keepRow?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (keepRow) return;
    await this.beating;
    if (!this.row) return;
    try {
      await this.deps.store.removeProcess(this.row.id);
    } catch (err) {
      // Left behind, the row is found dead by the next process to look; nothing is lost.
      this.deps.events.emit('dispatcher:error', err as Error);
    }
  }
}
