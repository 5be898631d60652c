// The receiving end of every benchmark run, in its own process so that its cost never lands on
// the process being measured. It records when each delivery first arrived, keyed by the
// endpoint (the number at the end of the path) and the `webhook-id` header (the event id in
// Standard Webhooks), so a fan-out to 1,000 endpoints is 1,000 keys for one event.
//
// The path decides the answer, so one listener serves every kind of endpoint a scenario needs:
//   /ok/<n>    200 (after the run's delay, if any: the "receivers add 20 ms" variant)
//   /fail/<n>  500 until the run heals the failing endpoints: the retry storm
//   /hang/<n>  no answer until the run heals the hung endpoints: the isolation scenario
// Healing lets a run end by checking that the deliveries held back for a broken endpoint
// (parked behind an open circuit, or waiting for a retry) are still owed, and do arrive.
//
// Driven over IPC by bench/lib/receiverProcess.mjs: reset, stats, heal, dump.
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const now = () => Number(process.hrtime.bigint()) / 1e6;

let arrivals = new Map();
let requests = 0;
let perClass = freshClasses();
let delayMs = 0;
let healed = false;
let hung = [];
let first = 0;
let last = 0;

function freshClasses() {
  const cls = () => ({ unique: 0, requests: 0, first: 0, last: 0 });
  // `shaped`: healthy endpoints of webhooks with a filter or a transformation, counted apart so
  // scenario (g) can tell the others' rate from theirs.
  return { ok: cls(), fail: cls(), hang: cls(), shaped: cls() };
}

function answer(res, status) {
  res.statusCode = status;
  res.end(status === 200 ? 'ok' : 'no');
}

const server = createServer((req, res) => {
  // CLOCK_MONOTONIC is shared by every process on the machine, so the load generator's send
  // times and these arrival times are on one clock.
  const at = now();
  req.resume();
  const url = req.url ?? '/';
  const slash = url.indexOf('/', 1);
  const kind = url.slice(1, slash);
  const cls = perClass[kind] ?? perClass.ok;
  const key = `${url.slice(slash + 1)}:${req.headers['webhook-id'] ?? ''}`;
  requests++;
  cls.requests++;
  if (!arrivals.has(key)) {
    arrivals.set(key, at);
    cls.unique++;
    if (cls.first === 0) cls.first = at;
    cls.last = at;
  }
  if (first === 0) first = at;
  last = at;
  req.on('end', () => {
    if (kind === 'fail' && !healed) return answer(res, 500);
    if (kind === 'hang' && !healed) return void hung.push(res);
    if (delayMs > 0) setTimeout(answer, delayMs, res, 200);
    else answer(res, 200);
  });
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 0;
server.requestTimeout = 0;
server.listen(port, '127.0.0.1', () => {
  process.send?.({ ready: true, port: server.address().port });
});

function stats() {
  return { unique: arrivals.size, requests, classes: perClass, first, last, now: now() };
}

process.on('message', (m) => {
  switch (m.op) {
    case 'reset':
      for (const res of hung) res.destroy();
      arrivals = new Map();
      requests = 0;
      perClass = freshClasses();
      delayMs = m.delayMs ?? 0;
      healed = false;
      hung = [];
      first = 0;
      last = 0;
      return process.send({ id: m.id, ok: true });
    case 'heal':
      healed = true;
      for (const res of hung) if (!res.destroyed) answer(res, 200);
      hung = [];
      return process.send({ id: m.id, ok: true });
    case 'stats':
      return process.send({ id: m.id, stats: stats() });
    case 'dump':
      // Keys and times as two arrays: far smaller over IPC than an array of pairs.
      return process.send({ id: m.id, keys: [...arrivals.keys()], times: [...arrivals.values()] });
  }
});
process.on('disconnect', () => process.exit(0));
