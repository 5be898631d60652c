/**
 * Writes get this long past the grace period: attempts in flight are cut at its end, and a
 * store that is fine still takes their outcomes and the leases given back.
 */
export const LAST_WRITES_MS = 1000;

/** What `within` resolves with when the deadline passed first. */
export const GAVE_UP: unique symbol = Symbol('gave up');

/**
 * How long a stopping dispatcher waits (HOOKLINE_SHUTDOWN_GRACE_MS). At `graceOver` attempts in
 * flight are cut; LAST_WRITES_MS later `signal` aborts and every write still waiting for the
 * store is given up on. Nothing is lost by that: a delivery whose outcome or release was not
 * written stays leased to this process, and dead-process recovery or lease expiry gives it back
 * to be sent again (docs/reliability.md#a-stop-the-database-cannot-finish).
 */
export class ShutdownDeadline {
  readonly graceOver: Promise<void>;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    readonly graceMs: number,
    private readonly giveUp: AbortController,
  ) {
    this.graceOver = new Promise((resolve) => this.timers.push(setTimeout(resolve, graceMs)));
    const reason = new Error(`the store did not take these writes within the shutdown grace period (${graceMs} ms)`);
    this.timers.push(setTimeout(() => giveUp.abort(reason), graceMs + LAST_WRITES_MS));
  }

  get signal(): AbortSignal {
    return this.giveUp.signal;
  }

  /** `work`'s result, or GAVE_UP once the store is given up on (`work` may still settle later, unheard). */
  within<T>(work: Promise<T>): Promise<T | typeof GAVE_UP> {
    return untilAborted(work, this.signal);
  }

  /** The stop is over: no timer may keep the process alive. */
  clear(): void {
    for (const t of this.timers) clearTimeout(t);
  }
}

/** `work`'s result, or GAVE_UP as soon as `signal` aborts; a rejection after that is dropped. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T | typeof GAVE_UP> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.resolve(GAVE_UP);
  }
  let onAbort!: () => void;
  const aborted = new Promise<typeof GAVE_UP>((resolve) => {
    onAbort = () => resolve(GAVE_UP);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}
