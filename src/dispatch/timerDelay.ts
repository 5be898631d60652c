/**
 * The longest delay Node's timers take (2^31-1 ms, about 24.8 days). A longer one is not an
 * error: Node prints a TimeoutOverflowWarning and fires after 1 ms, so a far-off wait (a
 * `rate_limit` of 1e-9 asked for 1e12 ms) became a busy loop (issue 12). Every timer whose
 * delay comes from data goes through `timerDelay`; one that fires early finds nothing ready yet
 * and sets the next.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** `ms` as a delay every timer accepts: whole, at least `floor`, at most MAX_TIMER_MS. */
export function timerDelay(ms: number, floor = 0): number {
  if (Number.isNaN(ms)) return floor;
  return Math.min(MAX_TIMER_MS, Math.max(floor, Math.ceil(ms)));
}
