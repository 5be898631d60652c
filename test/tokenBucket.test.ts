import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from '../src/dispatch/TokenBucket.js';

/** Drives a bucket with a fake clock as the dispatcher does: send while waitMs says 0, else sleep that long (timers fire a little late). */
function sendTimes(rate: number, durationMs: number, stepJitter: () => number): number[] {
  const bucket = new TokenBucket();
  bucket.configure(rate);
  const times: number[] = [];
  for (let now = 1_000_000; now < 1_000_000 + durationMs; ) {
    const wait = bucket.waitMs(now);
    if (wait === 0) {
      bucket.take(now);
      times.push(now);
    } else {
      now += wait + stepJitter();
    }
  }
  return times;
}

test('rate_limit: in any window, no more than the rate plus a tenth of a second of burst', () => {
  let seed = 7;
  const jitter = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 3);
  for (const rate of [0.5, 1, 20, 333, 5000]) {
    const times = sendTimes(rate, 10_000, jitter);
    const capacity = Math.max(1, rate / 10);
    for (const window of [1000, 3000]) {
      let most = 0;
      for (let i = 0, j = 0; j < times.length; j++) {
        while (times[j]! - times[i]! >= window) i++;
        most = Math.max(most, j - i + 1);
      }
      assert.ok(most <= Math.floor(capacity + (rate * window) / 1000) + 1, `rate ${rate}: ${most} in ${window} ms`);
    }
    assert.ok(times.length >= rate * 10 * 0.9, `rate ${rate}: ${times.length} in 10 s is close to the rate, not far below`);
  }
});

test('no rate_limit means no waiting; changing the rate takes effect at once', () => {
  const bucket = new TokenBucket();
  bucket.configure(null);
  assert.equal(bucket.limited, false);
  for (let i = 0; i < 1000; i++) assert.equal(bucket.waitMs(5), 0);
  bucket.configure(1);
  bucket.take(10);
  assert.ok(bucket.waitMs(10) > 900);
});
