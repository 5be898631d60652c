import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, type Command } from 'commander';
import { Pool } from 'undici';
import { apiRequest } from '../apiRequest.js';
import { printLine, type CliContext } from '../CliContext.js';
import { CliError } from '../CliError.js';
import { addClientOptions, clientFromFlags } from '../clientOptions.js';
import type { ClientConfig } from '../../config.js';

/*
 * `hookline bench`: measures a running server end to end, from this machine. It starts a
 * receiver in a child process on 127.0.0.1 (so its cost never lands on the publishing side),
 * subscribes webhooks to it, publishes through the batch API, and checks that every delivery
 * arrived. The server must allow loopback targets (HOOKLINE_ALLOW_PRIVATE_NETWORKS=true).
 * The full comparative benchmark, with baselines, is `npm run bench` (docs/benchmarks.md).
 */

interface BenchFlags {
  events: number;
  webhooks: number;
  rate: number;
  duration: number;
  business?: string;
  url?: string;
  token?: string;
}

interface Arrivals {
  unique: number;
  last: number;
}

const RECEIVER_FLAG = '--hookline-bench-receiver';
const BATCH = 1000;
const IN_FLIGHT = 4;
/** Reserved entities: their types are Hookline's own operational events. */
const RESERVED = /^(webhook|hookline)\//;

const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1.');
  return n;
}

function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number, 0 or more.');
  return n;
}

export function registerBench(program: Command, ctx: CliContext): void {
  const command = program
    .command('bench')
    .description('measure a running server: deliveries/s and publish-to-receipt latency to a local receiver')
    .option('--events <n>', 'events in the throughput run', positiveInteger, 20_000)
    .option('--webhooks <n>', 'webhooks, one event type each, so every event has one delivery', positiveInteger, 20)
    .option('--rate <n>', 'events/s of the latency run that follows (0: no latency run)', nonNegativeInteger, 500)
    .option('--duration <s>', 'seconds of the latency run', positiveInteger, 10)
    .option('--business <id>', 'an existing business to use (default: create bench-<random>, which needs the admin token)')
    .addHelpText('after', '\nThe server must deliver to 127.0.0.1: start it with HOOKLINE_ALLOW_PRIVATE_NETWORKS=true.');
  addClientOptions(command).action(async (flags: BenchFlags) => {
    const client = clientFromFlags(ctx.env, flags);
    const receiver = await startReceiver();
    try {
      await runBench(ctx, client, flags, receiver);
    } finally {
      receiver.child.kill();
    }
  });
}

async function runBench(ctx: CliContext, client: ClientConfig, flags: BenchFlags, receiver: Receiver): Promise<void> {
  const run = randomBytes(3).toString('hex');
  const business = flags.business ?? `bench-${run}`;
  const path = (p: string): string => `/v1/businesses/${encodeURIComponent(business)}${p}`;
  if (!flags.business) await apiRequest({ client, method: 'POST', path: '/v1/businesses', body: { id: business, name: `Benchmark ${run}` } });

  const catalogue = await apiRequest<{ data: { type: string; example: unknown }[] }>({ client, method: 'GET', path: '/v1/event-types' });
  const types = catalogue.data.filter((t) => !RESERVED.test(t.type));
  if (types.length < flags.webhooks) throw new CliError(`the catalogue has ${types.length} event types to subscribe to; pass --webhooks ${types.length} or fewer`, 2);
  const chosen = types.slice(0, flags.webhooks);
  const webhookIds: string[] = [];
  const pool = new Pool(client.url, { connections: IN_FLIGHT, bodyTimeout: 60_000, headersTimeout: 60_000 });
  try {
    for (const [i, t] of chosen.entries()) {
      const w = await apiRequest<{ id: string }>({ client, method: 'POST', path: path('/webhooks'), body: { name: `bench ${i}`, url: `${receiver.url}/${i}`, events: [t.type] } });
      webhookIds.push(w.id);
    }
    // Every event's body is its type's catalogue example, so it passes the type's schema.
    const bodies = chosen.map((t) => JSON.stringify(t.example ?? {}));
    const event = (id: string, i: number): string => `{"id":"${id}","type":"${chosen[i % chosen.length]!.type}","data":${bodies[i % chosen.length]}}`;
    const publish = async (ids: string[], first: number): Promise<void> => {
      const res = await pool.request({
        method: 'POST',
        path: path('/events/batch'),
        headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/json' },
        body: `{"events":[${ids.map((id, k) => event(id, first + k)).join(',')}]}`,
      });
      const text = await res.body.text();
      if (res.statusCode !== 202) throw new CliError(`publishing answered HTTP ${res.statusCode}: ${text.slice(0, 300)}`, 1);
    };
    const keyOf = (id: string, i: number): string => `${i % chosen.length}:${id}`;

    // Throughput: as fast as the server accepts batches.
    const ids = Array.from({ length: flags.events }, (_, i) => `bench-${run}-t${i}`);
    const t0 = monotonicMs();
    let next = 0;
    const publishing = Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < ids.length) {
          const first = next;
          next += BATCH;
          await publish(ids.slice(first, first + BATCH), first);
        }
      }),
    ).then(() => monotonicMs());
    const stopProgress = progress(ctx, receiver, flags.events);
    const publishedAt = await publishing;
    const done = await waitFor(receiver, flags.events, 60_000 + flags.events);
    stopProgress();
    await verify(receiver, ids.map(keyOf));
    const seconds = (done.last - t0) / 1000;
    printLine(ctx.stdout, `Throughput: ${fmt(flags.events / seconds)} deliveries/s (${fmt(flags.events)} events, one webhook each, across ${chosen.length} webhooks, in ${seconds.toFixed(1)} s)`);
    printLine(ctx.stdout, `Ingest:     ${fmt(flags.events / ((publishedAt - t0) / 1000))} events/s accepted (batches of ${BATCH}, ${IN_FLIGHT} requests in flight)`);

    if (flags.rate > 0) {
      // Open loop: a batch every 10 ms with the events that fell due, whatever the answers do.
      await receiver.call('reset');
      const total = flags.rate * flags.duration;
      const sentAt = new Map<string, number>();
      const start = monotonicMs();
      const pending: Promise<void>[] = [];
      for (let sent = 0; sent < total; ) {
        const due = Math.min(total, Math.floor(((monotonicMs() - start) * flags.rate) / 1000));
        const batch: string[] = [];
        const first = sent;
        for (; sent < due; sent++) batch.push(`bench-${run}-l${sent}`);
        const at = monotonicMs();
        for (const id of batch) sentAt.set(id, at);
        if (batch.length) pending.push(publish(batch, first));
        await new Promise((r) => setTimeout(r, 10));
      }
      await Promise.all(pending);
      await waitFor(receiver, total, 60_000);
      const keys = [...sentAt.keys()].map(keyOf);
      const arrivals = await verify(receiver, keys);
      const latencies = [...sentAt.values()].map((s, i) => arrivals.get(keys[i]!)! - s).sort((a, b) => a - b);
      const pct = (p: number): string => latencies[Math.max(0, Math.ceil((p / 100) * latencies.length) - 1)]!.toFixed(1);
      printLine(ctx.stdout, `Latency:    p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms, max ${latencies[latencies.length - 1]!.toFixed(1)} ms (publish → receipt, ${fmt(flags.rate)} events/s for ${flags.duration} s)`);
    }
    printLine(ctx.stdout, `Every delivery arrived at least once. Business "${business}" keeps the events and the delivery log.`);
  } finally {
    // Nothing must be sent to the receiver once it is gone.
    for (const id of webhookIds) {
      await pool
        .request({ method: 'DELETE', path: path(`/webhooks/${id}`), headers: { authorization: `Bearer ${client.token}` } })
        .then((res) => res.body.dump())
        .catch(() => {});
    }
    await pool.close();
  }
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

function progress(ctx: CliContext, receiver: Receiver, total: number): () => void {
  const tty = (ctx.stderr as { isTTY?: boolean }).isTTY === true;
  const timer = setInterval(() => {
    if (!tty) return;
    void receiver.call<Arrivals>('stats').then((s) => ctx.stderr.write(`\r\x1b[2K${fmt(s.unique)}/${fmt(total)} delivered`));
  }, 250);
  return () => {
    clearInterval(timer);
    if (tty) ctx.stderr.write('\r\x1b[2K');
  };
}

async function waitFor(receiver: Receiver, count: number, capMs: number): Promise<Arrivals> {
  const deadline = Date.now() + capMs;
  for (;;) {
    const s = await receiver.call<Arrivals>('stats');
    if (s.unique >= count) return s;
    if (Date.now() > deadline) throw new CliError(`only ${fmt(s.unique)} of ${fmt(count)} deliveries arrived within ${capMs / 1000} s`, 1);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function verify(receiver: Receiver, keys: string[]): Promise<Map<string, number>> {
  const { keys: got, times } = await receiver.call<{ keys: string[]; times: number[] }>('dump');
  const arrivals = new Map(got.map((k, i) => [k, times[i]!]));
  const missing = keys.filter((k) => !arrivals.has(k)).length;
  if (missing > 0) throw new CliError(`${missing} of ${keys.length} deliveries never arrived`, 1);
  return arrivals;
}

interface Receiver {
  child: ChildProcess;
  url: string;
  call<T>(op: string): Promise<T>;
}

async function startReceiver(): Promise<Receiver> {
  const child = fork(fileURLToPath(import.meta.url), [RECEIVER_FLAG], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new CliError(`the bench receiver exited (${code}) before listening`, 1)));
  });
  let seq = 0;
  const call = <T>(op: string): Promise<T> =>
    new Promise((resolve) => {
      const id = ++seq;
      const onMessage = (m: { id: number }): void => {
        if (m.id !== id) return;
        child.off('message', onMessage);
        resolve(m as T);
      };
      child.on('message', onMessage);
      child.send({ op, id });
    });
  return { child, url: `http://127.0.0.1:${port}`, call };
}

/** The receiver: notes the first arrival of each (path, webhook-id) on the machine's monotonic clock. */
function runReceiver(): void {
  let arrivals = new Map<string, number>();
  let last = 0;
  const server = createServer((req, res) => {
    const key = `${(req.url ?? '/').slice(1)}:${String(req.headers['webhook-id'] ?? '')}`;
    const at = monotonicMs();
    if (!arrivals.has(key)) {
      arrivals.set(key, at);
      last = at;
    }
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
  process.on('message', (m: { op: string; id: number }) => {
    if (m.op === 'reset') arrivals = new Map();
    if (m.op === 'dump') return void process.send!({ id: m.id, keys: [...arrivals.keys()], times: [...arrivals.values()] });
    process.send!({ id: m.id, unique: arrivals.size, last });
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.argv[2] === RECEIVER_FLAG && process.argv[1] === fileURLToPath(import.meta.url)) runReceiver();
