// Waiting for deliveries at the receiver, and checking that none was lost.
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls the receiver until each class (ok, fail, hang) has seen at least the expected number of
 * distinct deliveries, or `capMs` passes. Returns the last stats and whether it completed.
 */
export async function waitForArrivals(receiver, expected, { capMs, onProgress = () => {}, abortIf = () => false, pollMs = 100 }) {
  const deadline = Date.now() + capMs;
  for (;;) {
    const stats = await receiver.stats();
    const done = Object.entries(expected).every(([cls, n]) => stats.classes[cls].unique >= n);
    onProgress(stats);
    if (done) return { stats, complete: true };
    if (Date.now() > deadline || abortIf()) return { stats, complete: false };
    await sleep(pollMs);
  }
}

/**
 * Every expected key (`<endpoint>:<event id>`) must have arrived at least once; a run that
 * loses one fails the benchmark. Returns the arrival map for latency figures.
 */
export async function verifyArrivals(receiver, expectedKeys, label) {
  const arrivals = await receiver.arrivals();
  let missing = 0;
  let example = null;
  for (const key of expectedKeys) {
    if (!arrivals.has(key)) {
      missing++;
      example ??= key;
    }
  }
  if (missing > 0) throw new LostEventsError(`${label}: ${missing} of ${expectedKeys.length} deliveries never arrived (e.g. ${example})`);
  return arrivals;
}

export class LostEventsError extends Error {
  name = 'LostEventsError';
}
