// The load generator's two ways of publishing: as fast as the system accepts (closed loop,
// a fixed number of batch requests in flight) and at a fixed rate whatever the system does
// (open loop: a slow answer never delays the next send, so queueing shows up as latency).
import { setTimeout as sleep } from 'node:timers/promises';

export const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;

/** Publishes `batches` (arrays of {id, type}) with `inFlight` requests open; returns timings. */
export async function publishClosedLoop(system, batches, { inFlight = 4, onAccepted = () => {} } = {}) {
  const started = monotonicMs();
  let next = 0;
  let accepted = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, batches.length) }, async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        await system.publish(batch);
        accepted += batch.length;
        onAccepted(accepted);
      }
    }),
  );
  return { started, ended: monotonicMs(), accepted };
}

/**
 * Publishes `rate` events/s for `durationMs`, one batch per `tickMs` holding the events that
 * fell due since the last tick. Returns each event's send time, to subtract from its arrival.
 */
export async function publishOpenLoop(system, makeEvent, { rate, durationMs, tickMs = 10, onSent = () => {} }) {
  const sentAt = new Map();
  const pending = new Set();
  const total = Math.round((rate * durationMs) / 1000);
  const started = monotonicMs();
  let sent = 0;
  let errors = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((monotonicMs() - started) * rate) / 1000));
    if (due > sent) {
      const batch = [];
      for (; sent < due; sent++) batch.push(makeEvent(sent));
      const at = monotonicMs();
      for (const e of batch) sentAt.set(e.id, at);
      const p = system.publish(batch).catch(() => errors++);
      pending.add(p);
      p.finally(() => pending.delete(p));
      onSent(sent);
    }
    await sleep(tickMs);
  }
  await Promise.all(pending);
  if (errors > 0) throw new Error(`${errors} publish requests failed during the open-loop run`);
  return { started, ended: monotonicMs(), sentAt, total };
}

/** `count` events spread over `types` in turn, in batches of `size`. */
export function makeBatches(count, size, idPrefix, typeOf) {
  const batches = [];
  for (let i = 0; i < count; i += size) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + size); j++) batch.push({ id: `${idPrefix}${j}`, type: typeOf(j) });
    batches.push(batch);
  }
  return batches;
}
