// BullMQ on Redis as a benchmarked system: the load generator adds one job per delivery (the
// fan-out a team does at enqueue time), a worker process sends them.
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { forkTracked, stopChild, onInterrupt } from '../lib/children.mjs';
import { ipcFirst } from '../lib/ipc.mjs';
import { REDIS } from '../lib/redis.mjs';
import { routeByType } from './ceiling.mjs';

const script = fileURLToPath(new URL('./bullmqWorker.mjs', import.meta.url));

export const bullmqSystem = { id: 'bullmq', label: 'BullMQ + undici worker', kind: 'bullmq' };

/** Retries like a team would configure them: exponential from 5 s, as Hookline's first step. */
const jobOptions = Object.freeze({ attempts: 10, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: true, removeOnFail: true });

export async function openBullmq({ receiver, endpoints, concurrency = 64, timeoutMs = 5000 }) {
  const name = `hookline-bench-${randomBytes(4).toString('hex')}`;
  const connection = { ...REDIS, maxRetriesPerRequest: null };
  const queue = new Queue(name, { connection });
  await queue.waitUntilReady();
  const worker = forkTracked(script, [], {
    env: { ...process.env, BENCH_ORIGIN: receiver.origin, BENCH_QUEUE: name, BENCH_CONCURRENCY: String(concurrency), BENCH_TIMEOUT_MS: String(timeoutMs) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await ipcFirst(worker, (m) => m?.ready, 'the BullMQ worker');
  const routes = routeByType(endpoints, receiver);
  const forget = onInterrupt(() => queue.obliterate({ force: true }));
  return {
    system: bullmqSystem,
    async publish(events) {
      const jobs = [];
      for (const e of events) for (const path of routes.get(e.type) ?? []) jobs.push({ name: 'deliver', data: { id: e.id, type: e.type, path }, opts: jobOptions });
      await queue.addBulk(jobs);
    },
    peakRssMb: () => null,
    async close() {
      await stopChild(worker, 5000);
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      forget();
    },
  };
}
