// The ceiling: a bare undici Pool POSTing the same bodies Hookline sends, with nothing stored
// and nothing signed. Whatever it reaches on this machine is the most any sender here can.
// Its own process, like Hookline's, so the load generator's work never slows it down.
import { Pool } from 'undici';
import { standardBody } from '../lib/payload.mjs';

const origin = process.env.BENCH_ORIGIN;
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const pool = new Pool(origin, { connections: concurrency, pipelining: 1 });
const queue = [];
let head = 0;
let inFlight = 0;
let failures = 0;

function pump() {
  while (inFlight < concurrency && head < queue.length) {
    const [id, type, path] = queue[head];
    queue[head++] = undefined;
    inFlight++;
    const body = standardBody(id, type, 'bench', Date.now());
    pool
      .request({ method: 'POST', path, headers: { 'content-type': 'application/json', 'webhook-id': id }, body })
      .then((res) => res.body.dump())
      .catch(() => failures++)
      .finally(() => {
        inFlight--;
        pump();
      });
  }
  if (head > 10_000 && head === queue.length) {
    queue.length = 0;
    head = 0;
  }
}

process.on('message', (m) => {
  if (m.op === 'send') {
    for (const item of m.items) queue.push(item);
    pump();
  } else if (m.op === 'stats') {
    process.send({ id: m.id, failures, queued: queue.length - head, inFlight });
  }
});
process.on('disconnect', () => pool.destroy().then(() => process.exit(0)));
process.send({ ready: true });
