/**
 * Something with a deadline (a `performance.now()` value) that a DeadlineTicker can expire.
 * The link fields belong to the ticker: an intrusive list needs no node allocation and no
 * hashing per attempt.
 */
export abstract class TimedEntry {
  deadline = 0;
  /** @internal */ prevEntry: TimedEntry | null = null;
  /** @internal */ nextEntry: TimedEntry | null = null;
  /** @internal */ list: DeadlineList | null = null;
  abstract expire(): void;
}

class DeadlineList {
  head: TimedEntry | null = null;
  tail: TimedEntry | null = null;
}

/**
 * One interval timer for every attempt in flight, instead of a timer (or an
 * `AbortSignal.timeout`) per attempt. Entries are kept in one list per timeout length: within
 * a list deadlines arrive in insertion order, so a tick only looks at list heads and costs
 * O(lists + expired), and adding or removing an entry is a few pointer writes. There are few
 * lists (one per distinct webhook timeout). A deadline fires up to `resolutionMs` late, which
 * is noise next to a 5 s timeout. Node's own timers work the same way, but each `setTimeout`
 * also allocates a Timeout object and a closure; measurements are in docs/delivery.md.
 */
export class DeadlineTicker {
  private readonly lists = new Map<number, DeadlineList>();
  private timer: NodeJS.Timeout | null = null;
  private count = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly resolutionMs = 10) {}

  get size(): number {
    return this.count;
  }

  /** Expires `entry` once `timeoutMs` from now has passed, unless it is deleted first. */
  add(entry: TimedEntry, timeoutMs: number): void {
    entry.deadline = performance.now() + timeoutMs;
    let list = this.lists.get(timeoutMs);
    if (list === undefined) {
      list = new DeadlineList();
      this.lists.set(timeoutMs, list);
    }
    entry.list = list;
    entry.prevEntry = list.tail;
    entry.nextEntry = null;
    if (list.tail === null) list.head = entry;
    else list.tail.nextEntry = entry;
    list.tail = entry;
    this.count++;
    if (this.timer === null) {
      this.timer = setInterval(() => this.tick(), this.resolutionMs);
      // The ticker alone must not keep the process alive; sockets in flight already do.
      this.timer.unref();
    }
  }

  /** Idempotent: an entry may settle by its response after the ticker already expired it. */
  delete(entry: TimedEntry): void {
    if (entry.list === null) return;
    this.unlink(entry);
    if (this.count === 0) this.wakeIdle();
  }

  /** Settles when nothing is in flight. */
  idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private unlink(entry: TimedEntry): void {
    const list = entry.list!;
    if (entry.prevEntry === null) list.head = entry.nextEntry;
    else entry.prevEntry.nextEntry = entry.nextEntry;
    if (entry.nextEntry === null) list.tail = entry.prevEntry;
    else entry.nextEntry.prevEntry = entry.prevEntry;
    entry.prevEntry = entry.nextEntry = entry.list = null;
    this.count--;
  }

  private tick(): void {
    const now = performance.now();
    for (const [timeoutMs, list] of this.lists) {
      while (list.head !== null && list.head.deadline <= now) {
        const entry = list.head;
        this.unlink(entry);
        entry.expire();
      }
      if (list.head === null) this.lists.delete(timeoutMs);
    }
    // Stopping lazily, on an idle tick, avoids re-arming a timer per attempt at low rates.
    if (this.count === 0) {
      this.stop();
      this.wakeIdle();
    }
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    if (waiters.length === 0) return;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
