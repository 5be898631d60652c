// The receiving side of a scenario: `count` endpoints, each subscribed to its own event type,
// so an event published with type n goes to endpoint n only.
import { eventType } from '../lib/payload.mjs';
import { makeBatches } from '../lib/load.mjs';

export function spreadEndpoints(count, kindOf = () => 'ok') {
  return Array.from({ length: count }, (_, n) => ({ n, kind: kindOf(n), types: [eventType(n)] }));
}

/** `count` events over the endpoints in turn, in batches of 1,000 (the batch API's maximum). */
export function spreadEvents(count, endpoints, idPrefix) {
  const batches = makeBatches(count, 1000, idPrefix, (i) => eventType(i % endpoints.length));
  const keys = [];
  const expected = { ok: 0, fail: 0, hang: 0, shaped: 0 };
  for (let i = 0; i < count; i++) {
    const e = endpoints[i % endpoints.length];
    keys.push(`${e.n}:${idPrefix}${i}`);
    expected[e.kind]++;
  }
  return { batches, keys, expected };
}

/** Enough time for a slow machine, never unbounded: a minute plus 1 ms per delivery. */
export const capFor = (deliveries) => 60_000 + deliveries;
