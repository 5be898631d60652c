// The usual alternative in Node: a BullMQ worker that POSTs each job with undici, signing it
// the Standard Webhooks way, as a team would build it by hand. Its own process, like Hookline.
import { Worker } from 'bullmq';
import { Agent } from 'undici';
import { randomBytes } from 'node:crypto';
import { standardBody, standardSignature } from '../lib/payload.mjs';

const origin = process.env.BENCH_ORIGIN;
const timeoutMs = Number(process.env.BENCH_TIMEOUT_MS ?? 5000);
const key = randomBytes(24);
const agent = new Agent({ connections: 256, pipelining: 1 });

async function deliver(job) {
  const { id, type, path } = job.data;
  const body = standardBody(id, type, 'bench', job.timestamp);
  const timestamp = Math.floor(Date.now() / 1000);
  const res = await agent.request({
    origin,
    path,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': standardSignature(key, id, timestamp, body),
    },
    body,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  await res.body.dump();
  if (res.statusCode < 200 || res.statusCode > 299) throw new Error(`HTTP ${res.statusCode}`);
}

const worker = new Worker(process.env.BENCH_QUEUE, deliver, {
  connection: { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null },
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 64),
});
worker.on('error', () => {});
await worker.waitUntilReady();
process.send({ ready: true });

async function shutdown() {
  await worker.close(true);
  await agent.destroy();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('disconnect', shutdown);
