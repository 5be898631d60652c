// The harness's handle on the ceiling sender. Events go to it over IPC in the same batches
// the load generator would publish; it routes each to the endpoints subscribed to its type.
import { fileURLToPath } from 'node:url';
import { forkTracked, stopChild } from '../lib/children.mjs';
import { ipcFirst } from '../lib/ipc.mjs';

const script = fileURLToPath(new URL('./ceilingSender.mjs', import.meta.url));

export const ceilingSystem = { id: 'ceiling', label: 'Ceiling: bare undici Pool', kind: 'ceiling' };

export async function openCeiling({ receiver, endpoints, concurrency = 16 }) {
  const child = forkTracked(script, [], {
    env: { ...process.env, BENCH_ORIGIN: receiver.origin, BENCH_CONCURRENCY: String(concurrency) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await ipcFirst(child, (m) => m?.ready, 'the ceiling sender');
  const routes = routeByType(endpoints, receiver);
  return {
    system: ceilingSystem,
    publish(events) {
      const items = [];
      for (const e of events) for (const path of routes.get(e.type) ?? []) items.push([e.id, e.type, path]);
      child.send({ op: 'send', items });
      return Promise.resolve();
    },
    peakRssMb: () => null,
    close: () => stopChild(child, 2000),
  };
}

/** Which receiver paths subscribe to each event type: the matching Hookline does per event. */
export function routeByType(endpoints, receiver) {
  const routes = new Map();
  for (const e of endpoints) {
    for (const type of e.types) {
      if (!routes.has(type)) routes.set(type, []);
      routes.get(type).push(receiver.path(e.kind, e.n));
    }
  }
  return routes;
}
