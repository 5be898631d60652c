import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_RETRY_SCHEDULE_S,
  DEFAULT_RETRY_WINDOW_MS,
  FINAL_ATTEMPT_SPREAD_MS,
  nextAttemptAt,
  parseRetryAfter,
  type NextAttemptOptions,
} from '../src/dispatch/retryPolicy.js';

const createdAt = Date.UTC(2025, 0, 1);
const windowEnd = createdAt + DEFAULT_RETRY_WINDOW_MS;
const base = (o: Partial<NextAttemptOptions>): NextAttemptOptions => ({
  attemptNumber: 1, schedule: null, createdAt, now: createdAt, retryAfterMs: null, statusCode: 500, random: () => 0.5, ...o,
});

/** Every attempt of a delivery that never succeeds; `random` drives the jitter. */
function failForever(random: () => number): number[] {
  const times = [createdAt];
  for (let n = 1; n < 100; n++) {
    const next = nextAttemptAt(base({ attemptNumber: n, now: times[times.length - 1]!, random }));
    if (next === null) return times;
    times.push(next);
  }
  throw new Error('the default schedule did not end');
}

test('the retry window is three days', () => {
  assert.equal(DEFAULT_RETRY_WINDOW_MS, 72 * 3600 * 1000);
});

test('the default base schedule never shortens', () => {
  for (let i = 1; i < DEFAULT_RETRY_SCHEDULE_S.length; i++) {
    assert.ok(DEFAULT_RETRY_SCHEDULE_S[i]! >= DEFAULT_RETRY_SCHEDULE_S[i - 1]!, `step ${i}`);
  }
});

test('without jitter the default schedule follows the base delays, then repeats the last', () => {
  const times = failForever(() => 0.5);
  const delays = times.slice(1).map((t, i) => (t - times[i]!) / 1000);
  assert.deepEqual(delays.slice(0, 13), [...DEFAULT_RETRY_SCHEDULE_S, 43200, 43200, 43200]);
});

test('the default schedule stays within 72 h and ends with an attempt near its end', () => {
  for (let seed = 0; seed < 200; seed++) {
    let state = seed + 1;
    const random = () => ((state = (state * 48271) % 2147483647) / 2147483647);
    const times = failForever(random);
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! > times[i - 1]!, 'attempts move forward');
    const last = times[times.length - 1]!;
    assert.ok(last <= windowEnd, 'last attempt inside the window');
    assert.ok(last >= windowEnd - FINAL_ATTEMPT_SPREAD_MS - 12 * 3600_000 * 0.2, 'last attempt near the end');
    assert.ok(times.length >= 14 && times.length <= 17, `${times.length} attempts`);
  }
});

test('jitter keeps each default delay within ±20 % of its base', () => {
  for (let n = 1; n <= 12; n++) {
    const baseMs = (DEFAULT_RETRY_SCHEDULE_S[Math.min(n, DEFAULT_RETRY_SCHEDULE_S.length) - 1] ?? 0) * 1000;
    const low = nextAttemptAt(base({ attemptNumber: n, random: () => 0 }))! - createdAt;
    const high = nextAttemptAt(base({ attemptNumber: n, random: () => 0.999999 }))! - createdAt;
    assert.equal(low, Math.round(baseMs * 0.8), `attempt ${n} low`);
    assert.ok(high <= baseMs * 1.2 && high > baseMs * 1.199, `attempt ${n} high`);
  }
});

test('a failure close to the end of the window is the last', () => {
  assert.equal(nextAttemptAt(base({ attemptNumber: 14, now: windowEnd - 5 * 60_000 })), null);
  assert.equal(nextAttemptAt(base({ attemptNumber: 20, now: windowEnd + 1 })), null);
});

test('a custom schedule is followed literally, then ends', () => {
  const schedule = [10, 60, 3600];
  assert.equal(nextAttemptAt(base({ schedule, attemptNumber: 1 })), createdAt + 10_000);
  assert.equal(nextAttemptAt(base({ schedule, attemptNumber: 2 })), createdAt + 60_000);
  assert.equal(nextAttemptAt(base({ schedule, attemptNumber: 3, random: () => 0 })), createdAt + 3600_000);
  assert.equal(nextAttemptAt(base({ schedule, attemptNumber: 4 })), null);
});

test('an empty schedule means one attempt (fire and forget)', () => {
  assert.equal(nextAttemptAt(base({ schedule: [] })), null);
  assert.equal(nextAttemptAt(base({ schedule: [], statusCode: 503, retryAfterMs: 1000 })), null);
});

test('Retry-After on 429 and 503 lengthens the delay, clamped to [1 s, 1 h]', () => {
  const at = (o: Partial<NextAttemptOptions>) => nextAttemptAt(base(o))! - createdAt;
  assert.equal(at({ statusCode: 503, retryAfterMs: 120_000 }), 120_000);
  assert.equal(at({ statusCode: 503, retryAfterMs: 10 * 3600_000 }), 3600_000);
  assert.equal(at({ statusCode: 503, retryAfterMs: 0 }), 5_000); // the schedule's 5 s is longer than the 1 s floor
  assert.equal(at({ statusCode: 429, retryAfterMs: 300_000 }), 300_000);
  assert.equal(at({ statusCode: 503, retryAfterMs: 120_000, schedule: [10] }), 120_000);
});

test('Retry-After never shortens the schedule and is ignored on other statuses', () => {
  const at = (o: Partial<NextAttemptOptions>) => nextAttemptAt(base(o))! - createdAt;
  assert.equal(at({ attemptNumber: 8, statusCode: 503, retryAfterMs: 10_000 }), 14_400_000);
  assert.equal(at({ statusCode: 500, retryAfterMs: 600_000 }), 5_000);
  assert.equal(at({ statusCode: 200, retryAfterMs: 600_000 }), 5_000);
});

test('on the default schedule a timeout or a 429 waits at least a minute', () => {
  const at = (o: Partial<NextAttemptOptions>) => nextAttemptAt(base(o))! - createdAt;
  assert.equal(at({ statusCode: null, error: 'timeout' }), 60_000);
  assert.equal(at({ statusCode: 429 }), 60_000);
  assert.equal(at({ statusCode: 429, retryAfterMs: 2_000 }), 60_000);
  assert.equal(at({ statusCode: null, error: 'connection_refused' }), 5_000);
});

test('a custom schedule gets no overload minimum: only Retry-After moves it', () => {
  const at = (o: Partial<NextAttemptOptions>) => nextAttemptAt(base(o))! - createdAt;
  assert.equal(at({ statusCode: null, error: 'timeout', schedule: [1] }), 1_000);
  assert.equal(at({ statusCode: 429, schedule: [1] }), 1_000);
  assert.equal(at({ statusCode: 429, retryAfterMs: 30_000, schedule: [1] }), 30_000);
});

test('410 Gone keeps the next attempt: the webhook is disabled and its deliveries park', () => {
  assert.equal(nextAttemptAt(base({ statusCode: 410 })), createdAt + 5_000);
  assert.equal(nextAttemptAt(base({ statusCode: 410, schedule: [7] })), createdAt + 7_000);
});

test('parseRetryAfter reads delta-seconds', () => {
  const now = Date.now();
  assert.equal(parseRetryAfter('120', now), 120_000);
  assert.equal(parseRetryAfter(' 5 ', now), 5_000);
  assert.equal(parseRetryAfter('0', now), 0);
  assert.equal(parseRetryAfter(['3', '9'], now), 3_000);
});

test('parseRetryAfter reads HTTP-dates, and a past date is 0', () => {
  const now = Date.UTC(2025, 5, 1, 12, 0, 0);
  assert.equal(parseRetryAfter('Sun, 01 Jun 2025 12:01:30 GMT', now), 90_000);
  assert.equal(parseRetryAfter(new Date(now + 3_000).toUTCString(), now), 3_000);
  assert.equal(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now), 0);
  assert.equal(parseRetryAfter('Sun Nov  6 08:49:37 1994', now), 0);
});

test('parseRetryAfter returns null for absent or unreadable values', () => {
  const now = Date.now();
  for (const value of [undefined, '', 'soon', '-1', '1.5', '5s', 'Mon, 99 Foo 2025']) {
    assert.equal(parseRetryAfter(value, now), null, JSON.stringify(value));
  }
});

test('parseRetryAfter caps absurd delta-seconds instead of overflowing', () => {
  const ms = parseRetryAfter('9'.repeat(400), Date.now());
  assert.ok(ms !== null && Number.isFinite(ms));
});
