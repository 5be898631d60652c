/**
 * When a failed delivery is tried again. The reasoning behind each number is in
 * docs/delivery.md ("Retry schedule"); the short version is beside each constant.
 */

/** How long the default schedule keeps trying, from the delivery's creation: three days, as Stripe does. */
export const DEFAULT_RETRY_WINDOW_MS = 72 * 3600 * 1000;

/**
 * Base delay in seconds after failed attempt n (index n-1); past the end the last value
 * repeats. Short first steps catch blips (a deploy, a dropped connection); the steep middle
 * backs off before a struggling receiver is buried; 12 h steps spread the rest of the window.
 */
export const DEFAULT_RETRY_SCHEDULE_S: readonly number[] = Object.freeze([
  5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 43200,
]);

/** Each default delay is multiplied by a factor in [1 - JITTER, 1 + JITTER], so that deliveries
 * that failed together (an endpoint outage) do not all come back in the same second. */
export const RETRY_JITTER = 0.2;

/** After a timeout or a 429 the receiver is overloaded or slow: give it at least a minute (Svix does the same). */
export const OVERLOAD_MIN_DELAY_MS = 60_000;

/** Retry-After is honoured within these bounds: below 1 s it is noise, above 1 h a
 * misconfigured (or hostile) receiver could park deliveries until the window closes. */
export const RETRY_AFTER_MIN_MS = 1_000;
export const RETRY_AFTER_MAX_MS = 3600_000;

/** When the next default attempt would fall past the window, one last attempt is made at its end
 * (up to FINAL_ATTEMPT_SPREAD_MS before it), unless the window ends sooner than FINAL_ATTEMPT_MIN_GAP_MS. */
export const FINAL_ATTEMPT_MIN_GAP_MS = 15 * 60_000;
export const FINAL_ATTEMPT_SPREAD_MS = 10 * 60_000;

export interface NextAttemptOptions {
  /** The attempt that just failed, 1-based. */
  attemptNumber: number;
  /** Seconds to wait after attempt n at index n-1; null = the default schedule; [] = no retries. */
  schedule: readonly number[] | null;
  /** When the delivery was created (ms epoch); the default schedule's window starts here. */
  createdAt: number;
  now: number;
  retryAfterMs: number | null;
  statusCode: number | null;
  /** The sender's error code, if any; 'timeout' earns the overload minimum. */
  error?: string | null;
  /** Injectable for tests; default Math.random. */
  random?: () => number;
}

/** When to try again (ms epoch), or null when the delivery has no attempts left and is failed. */
export function nextAttemptAt(opts: NextAttemptOptions): number | null {
  const { schedule, createdAt, now } = opts;
  const random = opts.random ?? Math.random;
  // A 410 Gone disables the webhook (HealthTracker) but the delivery keeps its next attempt:
  // it waits, parked with the webhook's other deliveries, until someone re-enables it.
  const n = Math.max(1, Math.floor(opts.attemptNumber));
  const floorMs = minimumDelayMs(opts, schedule === null);

  if (schedule !== null) {
    const seconds = schedule[n - 1];
    if (seconds === undefined) return null;
    // A custom schedule is taken literally (no jitter, no window, no overload floor): the
    // business chose those numbers, often to match the platform Hookline replaces. Only the
    // receiver's own Retry-After can push an attempt later.
    return now + Math.max(seconds * 1000, floorMs);
  }

  const base = DEFAULT_RETRY_SCHEDULE_S[Math.min(n, DEFAULT_RETRY_SCHEDULE_S.length) - 1] ?? 0;
  const factor = 1 - RETRY_JITTER + 2 * RETRY_JITTER * random();
  const at = now + Math.round(Math.max(base * 1000 * factor, floorMs));
  const windowEnd = createdAt + DEFAULT_RETRY_WINDOW_MS;
  if (at <= windowEnd) return at;

  // Without this the last attempt lands anywhere from ~50 h to 72 h depending on jitter, and a
  // receiver that recovers in the final hours of the window loses its events.
  if (windowEnd - now < FINAL_ATTEMPT_MIN_GAP_MS) return null;
  const last = windowEnd - Math.floor(random() * FINAL_ATTEMPT_SPREAD_MS);
  return last >= now + floorMs ? last : null;
}

function minimumDelayMs({ statusCode, retryAfterMs, error }: NextAttemptOptions, defaultSchedule: boolean): number {
  let floor = 0;
  if (defaultSchedule && (error === 'timeout' || statusCode === 429)) floor = OVERLOAD_MIN_DELAY_MS;
  // Retry-After is "not before" (RFC 9110 §10.2.3): it can lengthen a delay, never shorten it.
  if (retryAfterMs !== null && (statusCode === 429 || statusCode === 503)) {
    floor = Math.max(floor, Math.min(Math.max(retryAfterMs, RETRY_AFTER_MIN_MS), RETRY_AFTER_MAX_MS));
  }
  return floor;
}

/**
 * Retry-After as milliseconds from `now`: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Null when absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return null;
  const text = raw.trim();
  // Capped at a year so that a hostile value cannot reach Infinity; the policy clamps far lower.
  if (/^\d+$/.test(text)) return Math.min(Number(text), 365 * 86400) * 1000;
  // Every HTTP-date form names a month; without this check Date.parse reads "1.5" as a date.
  if (!/[A-Za-z]{3}/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
