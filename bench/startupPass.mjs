#!/usr/bin/env node
// Start-up on a database full of tenants when the secrets pass must run (issue 19 follow-up):
// the first start on a database written by something else (no record of the key its secrets
// are under), and the first start with an encryption key (every webhook re-encrypted). Seeds
// --businesses × 3 webhooks straight into a fresh store (bench/lib/seedTenants.mjs), removes
// the record, and times a real `hookline serve` from spawning it to a healthy /healthz; then
// restarts it with the same settings (nothing left to do). Prints one line per start.
// Where the rewrite runs after the server is healthy, the first start also publishes one event
// at a time until the log says the rewrite is done, and reports how long that took and how
// the publishes fared meanwhile.
//
//   npm run build && node bench/startupPass.mjs [--stores sqlite,postgres] [--businesses 100000]
//     [--key] [--idle] [--dist dist]
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import Database from 'better-sqlite3';
import { request } from 'undici';
import { killChildrenOnExit } from './lib/children.mjs';
import { startHookline } from './lib/hooklineProcess.mjs';
import { monotonicMs } from './lib/load.mjs';
import { eventType } from './lib/payload.mjs';
import { createDatabase, postgresReachable } from './lib/postgres.mjs';
import { seedTenants } from './lib/seedTenants.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    stores: { type: 'string', default: 'sqlite,postgres' },
    businesses: { type: 'string', default: '100000' },
    key: { type: 'boolean', default: false },
    // Waits for the background rewrite without publishing through it.
    idle: { type: 'boolean', default: false },
    dist: { type: 'string', default: 'dist' },
  },
});
const dist = resolve(root, values.dist);
const businesses = Number(values.businesses);
killChildrenOnExit();

async function forget(url) {
  const sql = "DELETE FROM meta WHERE key = 'secrets_key_id'";
  if (url.startsWith('file:')) {
    const db = new Database(url.slice('file:'.length));
    db.prepare(sql).run();
    db.close();
  } else {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(sql);
    await c.end();
  }
}

const DONE = 'webhook secrets re-encrypted under the configured key';

async function timedStart(settings) {
  const t0 = monotonicMs();
  const h = await startHookline({ settings: { ...settings, HOOKLINE_LOG_LEVEL: 'info' }, cli: join(dist, 'cli/main.js'), startTimeoutMs: 600_000 });
  const res = await request(`${h.url}/healthz`);
  await res.body.text();
  const ms = monotonicMs() - t0;
  const background = h.output().includes('in the background') ? await publishUntilRewritten(h) : null;
  // A stop that had to be forced (work still running in the background) is reported, not fatal.
  const stopAt = monotonicMs();
  await h.stop().catch((err) => console.log(`(stop forced after ${Math.round(monotonicMs() - stopAt)} ms: ${String(err.message).split('\n')[0]}; its last lines:\n${h.output().trim().split('\n').slice(-4).join('\n')})`));
  return { ms, background };
}

/** Publishes one event at a time (to businesses in turn) until the rewrite's last log line. */
async function publishUntilRewritten(h) {
  const t0 = monotonicMs();
  const latencies = [];
  let refused = 0;
  let n = 0;
  const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
  for (let k = 0; k < 3; k++) {
    const r = await request(`${h.url}/v1/event-types`, { method: 'POST', headers, body: JSON.stringify({ type: eventType(k), description: 'Benchmark event', schema: { type: 'object' } }) });
    const text = await r.body.text();
    if (r.statusCode !== 201 && r.statusCode !== 409) throw new Error(`registering ${eventType(k)} answered ${r.statusCode}: ${text.slice(0, 200)}`);
  }
  while (!h.output().includes(DONE)) {
    if (monotonicMs() - t0 > 600_000) throw new Error('the background rewrite did not finish within 10 minutes');
    if (values.idle) {
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    const business = `t${String(n % 1000).padStart(6, '0')}`;
    const started = monotonicMs();
    const r = await request(`${h.url}/v1/businesses/${business}/events`, { method: 'POST', headers, body: JSON.stringify({ type: eventType(n % 3), data: { n } }) });
    const text = await r.body.text();
    latencies.push(monotonicMs() - started);
    if (r.statusCode !== 202 && refused++ === 0) console.log(`  (a publish answered ${r.statusCode}: ${text.slice(0, 200)})`);
    n += 1;
  }
  const ms = monotonicMs() - t0;
  const line = JSON.parse(h.output().split('\n').find((l) => l.includes(DONE)));
  const check = JSON.parse(h.output().split('\n').find((l) => l.includes('in the background')));
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { ms, checkMs: check.check_ms, passMs: line.duration_ms, scrubMs: line.scrub_ms, publishes: n, refused, p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? 0 };
}

const ADMIN = 'bench-startup-admin-token-0001';

for (const kind of values.stores.split(',')) {
  if (kind === 'postgres' && !(await postgresReachable())) continue;
  const dir = mkdtempSync(join(tmpdir(), 'hookline-startup-'));
  const db = kind === 'postgres' ? await createDatabase() : null;
  try {
    const url = db ? db.url : `file:${join(dir, 'tenants.db')}`;
    await seedTenants(url, { businesses, types: [eventType(0), eventType(1), eventType(2)], url: 'http://127.0.0.1:9/', dist });
    await forget(url);
    const settings = { HOOKLINE_DATABASE_URL: url, HOOKLINE_ADMIN_TOKEN: ADMIN };
    if (values.key) settings.HOOKLINE_ENCRYPTION_KEY = randomBytes(32).toString('base64');
    const first = await timedStart(settings);
    const again = await timedStart(settings);
    console.log(`${kind} ${values.dist} ${businesses} businesses${values.key ? ', first start with a key' : ', no record of the key'}: first start ${(first.ms / 1000).toFixed(2)} s, restart ${(again.ms / 1000).toFixed(2)} s`);
    const b = first.background;
    if (b) {
      console.log(
        `  the start's check ${b.checkMs} ms; background rewrite: done ${(b.ms / 1000).toFixed(2)} s after healthy (pass and scrub ${(b.passMs / 1000).toFixed(2)} s, of which scrub ${b.scrubMs} ms); ` +
          `${b.publishes} publishes meanwhile, ${b.refused} not accepted, p50 ${b.p50.toFixed(1)} ms, p99 ${b.p99.toFixed(1)} ms, max ${b.max.toFixed(1)} ms`,
      );
    }
    if (again.background) console.log('  the restart rewrote again: the first left work undone');
  } finally {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
