#!/usr/bin/env node
// Scale in tenants (issue 19): a Hookline process serving 100,000 businesses with 3 webhooks
// each, on SQLite and on PostgreSQL. The businesses are written straight into the store
// (bench/lib/seedTenants.mjs), then a real `hookline serve` is started on it and measured from
// outside:
//   start-up   spawn to a healthy /healthz, on the seeded database (again after the run: a restart)
//   sweep      one event to every business, 16 requests in flight: every business active once,
//              which is what grew the matcher's cache without bound before
//   warm       single-event publishes at a fixed rate to 100 businesses
//   spread     the same rate over all businesses
// In warm and spread, webhooks of other businesses change through the API at 10/s. Warm and
// spread alternate for --rounds rounds, so each pair is measured seconds apart. Each phase
// reports publish latency (p50, p99), Hookline's CPU per publish and PostgreSQL's (from /proc),
// and the process's largest RSS. Results: stdout (Markdown) and bench/results/tenants-<store>.json.
//
//   npm run build && node bench/tenants.mjs [--stores sqlite,postgres] [--businesses 100000]
//     [--rate 300] [--seconds 15] [--rounds 2] [--dist dist] [--label after]
import { parseArgs } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, request } from 'undici';
import { killChildrenOnExit, onInterrupt } from './lib/children.mjs';
import { startCpuAccounting } from './lib/cpuAccounting.mjs';
import { startHookline } from './lib/hooklineProcess.mjs';
import { monotonicMs } from './lib/load.mjs';
import { eventDataJson, eventType } from './lib/payload.mjs';
import { analyzeWhileRunning, autovacuumIsOn, createDatabase, postgresReachable } from './lib/postgres.mjs';
import { startReceiver } from './lib/receiverProcess.mjs';
import { percentiles } from './lib/stats.mjs';
import { seedTenants, tenantId, tenantWebhookId } from './lib/seedTenants.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    stores: { type: 'string', default: 'sqlite,postgres' },
    businesses: { type: 'string', default: '100000' },
    rate: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '15' },
    rounds: { type: 'string', default: '2' },
    warm: { type: 'string', default: '100' },
    'changes-per-second': { type: 'string', default: '10' },
    dist: { type: 'string', default: 'dist' },
    label: { type: 'string', default: '' },
    out: { type: 'string', default: join(root, 'bench/results') },
  },
});
const opts = {
  businesses: Number(values.businesses),
  rate: Number(values.rate),
  seconds: Number(values.seconds),
  rounds: Number(values.rounds),
  warm: Number(values.warm),
  changesPerSecond: Number(values['changes-per-second']),
  dist: resolve(root, values.dist),
};
const TOKEN = 'bench-tenants-admin-token-0001';
// Webhook k of every business subscribes to type k; events are of type 0, so each makes one delivery.
const TYPES = [eventType(0), eventType(1), eventType(2)];
const BODY = `{"type":"${TYPES[0]}","data":${eventDataJson}}`;

killChildrenOnExit();

async function runStore(kind) {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-tenants-'));
  let db = null;
  const cleanup = async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  const unregister = onInterrupt(cleanup);
  const receiver = await startReceiver();
  let hookline = null;
  let stopAnalyzing = async () => {};
  try {
    if (kind === 'postgres') db = await createDatabase();
    const url = kind === 'postgres' ? db.url : `file:${join(dir, 'tenants.db')}`;
    const seeded = await seedTenants(url, { businesses: opts.businesses, types: TYPES, url: receiver.url('ok', 0), dist: opts.dist });
    log(`${kind}: seeded ${opts.businesses} businesses × ${TYPES.length} webhooks in ${(seeded.ms / 1000).toFixed(1)} s`);

    const start = async () => {
      const t0 = monotonicMs();
      const h = await startHookline({ settings: { HOOKLINE_DATABASE_URL: url, HOOKLINE_ADMIN_TOKEN: TOKEN }, cli: join(opts.dist, 'cli/main.js'), startTimeoutMs: 300_000 });
      const res = await request(`${h.url}/healthz`);
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`/healthz answered ${res.statusCode}`);
      const ms = monotonicMs() - t0;
      await sleep(500); // lets the process install its signal handlers before the restart stops it
      return { h, ms };
    };
    const first = await start();
    hookline = first.h;
    if (kind === 'postgres' && !(await autovacuumIsOn())) {
      stopAnalyzing = analyzeWhileRunning(url);
      log('postgres: autovacuum is off on this server; the hot tables are analysed every 10 s instead');
    }
    const api = client(hookline.url);
    for (const type of TYPES) await api.registerType(type);
    const result = { store: kind, label: values.label, opts: { ...opts, dist: values.dist }, seedMs: seeded.ms, startMs: first.ms, phases: [] };
    log(`${kind}: healthy after ${first.ms.toFixed(0)} ms, RSS ${hookline.rssMb().toFixed(0)} MB`);

    const measure = async (name, fn) => {
      const rss = sampleRss(hookline);
      const cpu = startCpuAccounting();
      const own0 = cpuSeconds(hookline.pid);
      const out = await fn();
      const used = cpu.stop();
      const own = cpuSeconds(hookline.pid) - own0;
      const phase = {
        name,
        ...out,
        // Read from the process itself: the accounting's roles know Hookline by the path of dist/.
        hooklineCpuUsPerPublish: (own * 1e6) / out.publishes,
        postgresCpuUsPerPublish: kind === 'postgres' ? ((used.byRole.PostgreSQL ?? 0) * 1e6) / out.publishes : null,
        otherShare: used.other / used.capacity,
        maxRssMb: rss.stop(),
      };
      result.phases.push(phase);
      log(`${kind} ${name}: ${describe(phase)}`);
    };

    await measure('sweep', () => sweep(api));
    const warmSet = Array.from({ length: opts.warm }, (_, i) => i);
    for (let round = 0; round < opts.rounds; round++) {
      await measure('warm', () => steady(api, (i) => warmSet[i % warmSet.length], opts.warm));
      await measure('spread', () => steady(api, () => Math.floor(Math.random() * opts.businesses), opts.warm));
    }
    result.peakRssMb = hookline.peakRssMb();
    await api.close();
    await hookline.stop();
    hookline = null;
    const again = await start();
    result.restartMs = again.ms;
    hookline = again.h;
    await hookline.stop();
    hookline = null;
    log(`${kind}: restart to healthy ${again.ms.toFixed(0)} ms; peak RSS ${result.peakRssMb.toFixed(0)} MB`);
    return result;
  } finally {
    await stopAnalyzing();
    await hookline?.stop().catch(() => {});
    await receiver.stop();
    await cleanup();
    unregister();
  }
}

/** One event to every business, in a shuffled order, `inFlight` requests at a time. */
async function sweep(api, inFlight = 16) {
  const order = Array.from({ length: opts.businesses }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const latencies = [];
  let next = 0;
  const t0 = monotonicMs();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < order.length) {
        const n = order[next++];
        const s = monotonicMs();
        await api.publish(tenantId(n));
        latencies.push(monotonicMs() - s);
      }
    }),
  );
  const ms = monotonicMs() - t0;
  return { publishes: order.length, ms, ratePerSecond: (order.length * 1000) / ms, ...latencyFigures(latencies), changes: 0 };
}

/**
 * `rate` single-event publishes a second for `seconds` to the business `pick(i)` names (open
 * loop: a slow answer never delays the next send), while a webhook of a business at or above
 * `changeFrom` is renamed `changesPerSecond` times a second.
 */
async function steady(api, pick, changeFrom) {
  const total = opts.rate * opts.seconds;
  const latencies = [];
  const pending = new Set();
  let changes = 0;
  let sent = 0;
  let stop = false;
  const changer = (async () => {
    const t0 = monotonicMs();
    while (!stop) {
      const n = changeFrom + Math.floor(Math.random() * (opts.businesses - changeFrom));
      await api.rename(tenantId(n), tenantWebhookId(n, 2), `renamed ${changes}`);
      changes++;
      const due = t0 + (changes * 1000) / opts.changesPerSecond;
      await sleep(Math.max(0, due - monotonicMs()));
    }
  })();
  const t0 = monotonicMs();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((monotonicMs() - t0) * opts.rate) / 1000));
    for (; sent < due; sent++) {
      const s = monotonicMs();
      const p = api.publish(tenantId(pick(sent))).then(() => latencies.push(monotonicMs() - s));
      pending.add(p);
      p.finally(() => pending.delete(p));
    }
    await sleep(2);
  }
  await Promise.all(pending);
  stop = true;
  await changer;
  const ms = monotonicMs() - t0;
  return { publishes: total, ms, ratePerSecond: (total * 1000) / ms, ...latencyFigures(latencies), changes };
}

/** User and system CPU of a process and all its threads so far, in seconds. */
function cpuSeconds(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

function latencyFigures(latencies) {
  const p = percentiles(latencies, [50, 99]);
  return { p50Ms: p.p50, p99Ms: p.p99, maxMs: p.max };
}

function client(baseUrl) {
  const pool = new Pool(baseUrl, { connections: 32, pipelining: 1 });
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  async function call(method, path, body, expect) {
    const res = await pool.request({ method, path, headers, body });
    const text = await res.body.text();
    if (res.statusCode !== expect) throw new Error(`${method} ${path} answered ${res.statusCode}: ${text.slice(0, 300)}`);
  }
  return {
    registerType: (type) =>
      call('POST', '/v1/event-types', JSON.stringify({ type, description: 'Benchmark event', schema: { type: 'object', properties: { email: { type: 'string' } } } }), 201),
    publish: (business) => call('POST', `/v1/businesses/${business}/events`, BODY, 202),
    rename: (business, webhook, name) => call('PATCH', `/v1/businesses/${business}/webhooks/${webhook}`, JSON.stringify({ name }), 200),
    close: () => pool.close(),
  };
}

function sampleRss(h) {
  let max = h.rssMb() ?? 0;
  const timer = setInterval(() => (max = Math.max(max, h.rssMb() ?? 0)), 250);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(max, h.rssMb() ?? 0);
    },
  };
}

const describe = (p) =>
  `${p.publishes} publishes at ${p.ratePerSecond.toFixed(0)}/s, p50 ${p.p50Ms.toFixed(2)} ms, p99 ${p.p99Ms.toFixed(2)} ms, ` +
  `Hookline CPU ${p.hooklineCpuUsPerPublish.toFixed(0)} µs/publish${p.postgresCpuUsPerPublish === null ? '' : `, PostgreSQL ${p.postgresCpuUsPerPublish.toFixed(0)} µs`}, ` +
  `max RSS ${p.maxRssMb.toFixed(0)} MB, ${p.changes} webhook changes, other work ${(p.otherShare * 100).toFixed(0)} %`;

function log(line) {
  process.stderr.write(`${line}\n`);
}

function markdown(results) {
  const rows = ['| store | phase | publishes/s | p50 ms | p99 ms | Hookline CPU µs/publish | PostgreSQL CPU µs/publish | max RSS MB | other work |', '|---|---|---|---|---|---|---|---|---|'];
  for (const r of results) {
    for (const p of r.phases) {
      rows.push(
        `| ${r.store} | ${p.name} | ${p.ratePerSecond.toFixed(0)} | ${p.p50Ms.toFixed(2)} | ${p.p99Ms.toFixed(1)} | ${p.hooklineCpuUsPerPublish.toFixed(0)} | ${p.postgresCpuUsPerPublish === null ? '' : p.postgresCpuUsPerPublish.toFixed(0)} | ${p.maxRssMb.toFixed(0)} | ${(p.otherShare * 100).toFixed(0)} % |`,
      );
    }
  }
  rows.push('', '| store | seed | start-up | restart | peak RSS MB |', '|---|---|---|---|---|');
  for (const r of results) rows.push(`| ${r.store} | ${(r.seedMs / 1000).toFixed(1)} s | ${(r.startMs / 1000).toFixed(2)} s | ${(r.restartMs / 1000).toFixed(2)} s | ${r.peakRssMb.toFixed(0)} |`);
  return rows.join('\n');
}

const results = [];
for (const kind of values.stores.split(',')) {
  if (kind === 'postgres' && !(await postgresReachable())) {
    log('postgres: not reachable on 127.0.0.1:5432, skipped');
    continue;
  }
  results.push(await runStore(kind));
}
mkdirSync(values.out, { recursive: true });
for (const r of results) writeFileSync(join(values.out, `tenants-${r.store}${values.label ? `-${values.label}` : ''}.json`), JSON.stringify(r, null, 2) + '\n');
console.log(markdown(results));
