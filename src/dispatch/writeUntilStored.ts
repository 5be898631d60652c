import { GAVE_UP, untilAborted } from './ShutdownDeadline.js';

/** The first pause after a failed write; it doubles with each failure in a row up to the most. */
const FIRST_PAUSE_MS = 50;
const MOST_PAUSE_MS = 5_000;

/**
 * Runs `write` until it succeeds (true), or until `giveUp` aborts (false): a stopping process
 * leaves what the store would not take to lease recovery (`ShutdownDeadline`). What the
 * dispatcher writes after an attempt (outcomes, parked or released deliveries) must not be lost
 * while the store is away, but a hot retry loop would do harm, so each failure is reported and
 * followed by a growing pause.
 */
export async function writeUntilStored(write: () => Promise<void>, onError: (err: Error) => void, giveUp?: AbortSignal): Promise<boolean> {
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, MOST_PAUSE_MS)) {
    if (giveUp?.aborted) return false;
    try {
      // A statement the store never answers (a lost network) must not hold the stop either.
      return (await untilAborted(write(), giveUp)) !== GAVE_UP;
    } catch (err) {
      onError(err as Error);
      if (!(await rest(pause, giveUp))) return false;
    }
  }
}

/** False when `giveUp` aborted first; its timer is cleared then, so it cannot keep a stopping process alive. */
function rest(ms: number, giveUp: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const stop = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      giveUp?.removeEventListener('abort', stop);
      resolve(true);
    }, ms);
    giveUp?.addEventListener('abort', stop, { once: true });
  });
}
