#!/usr/bin/env node
// Scale in processes (issue 19 §3): what one delivery costs each Hookline process and the
// PostgreSQL server, and what N processes deliver when each is held to a fixed CPU quota
// (cgroup CFS bandwidth: bench/lib/cpuQuota.mjs), PostgreSQL uncapped. Each run: a fresh
// database, 100 webhooks, `--events` events of ~1 KB published in batches of 1,000 spread over
// the processes as a load balancer would, until every delivery has arrived. Counted from
// outside: deliveries/s; CPU per delivery of each Hookline process and of PostgreSQL (/proc);
// transactions committed and rows written per delivery (pg_stat_database, pg_stat_user_tables).
// Counts alternate 1, 2, 1, 2 … for --rounds rounds so each pair is measured minutes apart at most.
//
//   npm run build && node bench/processes.mjs [--events 20000] [--counts 1,2] [--rounds 2]
//     [--quota 0.5] (cores per Hookline process; 0: uncapped) [--delay-ms 0] (receiver latency)
import { parseArgs } from 'node:util';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { killChildrenOnExit } from './lib/children.mjs';
import { startCpuAccounting } from './lib/cpuAccounting.mjs';
import { capProcess, cpuQuotaUnavailable } from './lib/cpuQuota.mjs';
import { monotonicMs, publishClosedLoop } from './lib/load.mjs';
import { analyzeWhileRunning, autovacuumIsOn, postgresReachable } from './lib/postgres.mjs';
import { startReceiver } from './lib/receiverProcess.mjs';
import { waitForArrivals } from './lib/arrivals.mjs';
import { spreadEndpoints, spreadEvents, capFor } from './scenarios/endpoints.mjs';
import { openHookline } from './systems/hookline.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    counts: { type: 'string', default: '1,2' },
    rounds: { type: 'string', default: '2' },
    quota: { type: 'string', default: '0.5' },
    'delay-ms': { type: 'string', default: '0' },
    out: { type: 'string', default: join(root, 'bench/results') },
  },
});
const events = Number(values.events);
const quota = Number(values.quota);
const delayMs = Number(values['delay-ms']);
if (!(await postgresReachable())) throw new Error('PostgreSQL is not reachable on 127.0.0.1:5432');
if (quota > 0 && cpuQuotaUnavailable()) throw new Error(`--quota ${quota}: ${cpuQuotaUnavailable()}; run with --quota 0`);
killChildrenOnExit();

// Stats reach pg_stat_* when a backend has been idle a moment (at most 10 s in PostgreSQL 15).
const STATS_SETTLE_MS = 11_000;

function cpuSeconds(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

async function databaseStats(url) {
  const client = new pg.Client({ connectionString: url.split('?')[0] });
  await client.connect();
  try {
    const db = await client.query('SELECT xact_commit::bigint AS commits FROM pg_stat_database WHERE datname = current_database()');
    const tables = await client.query("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables WHERE relname IN ('events', 'deliveries', 'attempts')");
    const rows = Object.fromEntries(tables.rows.map((r) => [r.relname, { ins: Number(r.n_tup_ins), upd: Number(r.n_tup_upd), del: Number(r.n_tup_del) }]));
    return { commits: Number(db.rows[0].commits), rows };
  } finally {
    await client.end();
  }
}

async function runOnce(receiver, processes) {
  await receiver.reset({ delayMs });
  const endpoints = spreadEndpoints(100);
  const { batches, keys, expected } = spreadEvents(events, endpoints, `p${processes}_${Date.now()}_`);
  const system = await openHookline({ id: `pg${processes}`, store: 'postgres', processes }, { receiver, endpoints });
  const caps = quota > 0 ? system.pids().map((pid) => capProcess(pid, quota)) : [];
  const stopAnalyzing = (await autovacuumIsOn()) ? async () => {} : analyzeWhileRunning(system.databaseUrl, 3000);
  try {
    await sleep(STATS_SETTLE_MS);
    const before = await databaseStats(system.databaseUrl);
    const cpu0 = system.pids().map(cpuSeconds);
    const accounting = startCpuAccounting();
    const started = monotonicMs();
    const published = publishClosedLoop(system, batches, { inFlight: 4 });
    const arrived = await waitForArrivals(receiver, { ok: expected.ok }, { capMs: capFor(keys.length) });
    await published;
    if (!arrived.complete) throw new Error(`only ${arrived.stats.classes.ok.unique} of ${expected.ok} deliveries arrived`);
    const seconds = (arrived.stats.classes.ok.last - started) / 1000;
    const cpu1 = system.pids().map(cpuSeconds);
    const used = accounting.stop();
    await sleep(STATS_SETTLE_MS);
    const after = await databaseStats(system.databaseUrl);
    const n = expected.ok;
    const perDelivery = (x) => (x * 1e6) / n;
    const delta = (table, k) => (after.rows[table]?.[k] ?? 0) - (before.rows[table]?.[k] ?? 0);
    return {
      processes,
      quota,
      deliveries: n,
      seconds,
      deliveriesPerSec: n / seconds,
      hooklineUsPerDelivery: cpu1.map((c, i) => perDelivery(c - cpu0[i])),
      postgresUsPerDelivery: perDelivery(used.byRole.PostgreSQL ?? 0),
      throttledSeconds: caps.map((c) => c.throttledSeconds()),
      commitsPerDelivery: (after.commits - before.commits) / n,
      deliveryUpdatesPerDelivery: delta('deliveries', 'upd') / n,
      rowsInsertedPerDelivery: (delta('events', 'ins') + delta('deliveries', 'ins') + delta('attempts', 'ins')) / n,
      otherShare: used.other / used.capacity,
      idleShare: used.idle / used.capacity,
    };
  } finally {
    await stopAnalyzing();
    await system.close();
    for (const c of caps) c.release();
  }
}

const receiver = await startReceiver();
const results = [];
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const count of values.counts.split(',').map(Number)) {
      const r = await runOnce(receiver, count);
      results.push(r);
      process.stderr.write(
        `${count} process(es), quota ${quota || 'none'}: ${r.deliveriesPerSec.toFixed(0)} deliveries/s; Hookline ${r.hooklineUsPerDelivery.map((x) => x.toFixed(0)).join(' + ')} µs/delivery, ` +
          `PostgreSQL ${r.postgresUsPerDelivery.toFixed(0)} µs; ${r.commitsPerDelivery.toFixed(3)} commits, ${r.deliveryUpdatesPerDelivery.toFixed(2)} delivery-row updates, ` +
          `${r.rowsInsertedPerDelivery.toFixed(2)} rows inserted per delivery; throttled ${r.throttledSeconds.map((s) => s?.toFixed(1)).join(' + ')} s; other work ${(r.otherShare * 100).toFixed(0)} %, idle ${(r.idleShare * 100).toFixed(0)} %\n`,
      );
    }
  }
} finally {
  await receiver.stop();
}
mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, `processes-quota${quota}.json`), JSON.stringify(results, null, 2) + '\n');
console.log('| processes | deliveries/s | Hookline CPU µs/delivery (per process) | PostgreSQL CPU µs/delivery | commits/delivery | delivery-row updates/delivery | rows inserted/delivery | other work |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.processes} | ${r.deliveriesPerSec.toFixed(0)} | ${r.hooklineUsPerDelivery.map((x) => x.toFixed(0)).join(' + ')} | ${r.postgresUsPerDelivery.toFixed(0)} | ${r.commitsPerDelivery.toFixed(3)} | ${r.deliveryUpdatesPerDelivery.toFixed(2)} | ${r.rowsInsertedPerDelivery.toFixed(2)} | ${(r.otherShare * 100).toFixed(0)} % |`,
  );
}
