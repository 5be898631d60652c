#!/usr/bin/env node
// Start-up on a database full of tenants when the secrets pass must run (issue 19 follow-up):
// the first start on a database written by something else (no record of the key its secrets
// are under), and the first start with an encryption key (every webhook re-encrypted). Seeds
// --businesses × 3 webhooks straight into a fresh store (bench/lib/seedTenants.mjs), removes
// the record, and times a real `hookline serve` from spawning it to a healthy /healthz; then
// restarts it with the same settings (nothing left to do). Prints one line per start.
//
//   npm run build && node bench/startupPass.mjs [--stores sqlite,postgres] [--businesses 100000]
//     [--key] [--dist dist]
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

async function timedStart(settings) {
  const t0 = monotonicMs();
  const h = await startHookline({ settings, cli: join(dist, 'cli/main.js'), startTimeoutMs: 600_000 });
  const res = await request(`${h.url}/healthz`);
  await res.body.text();
  const ms = monotonicMs() - t0;
  // A stop that had to be forced (work still running in the background) is reported, not fatal.
  await h.stop().catch((err) => console.log(`(stop forced: ${String(err.message).split('\n')[0]})`));
  return ms;
}

for (const kind of values.stores.split(',')) {
  if (kind === 'postgres' && !(await postgresReachable())) continue;
  const dir = mkdtempSync(join(tmpdir(), 'hookline-startup-'));
  const db = kind === 'postgres' ? await createDatabase() : null;
  try {
    const url = db ? db.url : `file:${join(dir, 'tenants.db')}`;
    await seedTenants(url, { businesses, types: [eventType(0), eventType(1), eventType(2)], url: 'http://127.0.0.1:9/', dist });
    await forget(url);
    const settings = { HOOKLINE_DATABASE_URL: url, HOOKLINE_ADMIN_TOKEN: 'bench-startup-admin-token-0001' };
    if (values.key) settings.HOOKLINE_ENCRYPTION_KEY = randomBytes(32).toString('base64');
    const first = await timedStart(settings);
    const again = await timedStart(settings);
    console.log(`${kind} ${values.dist} ${businesses} businesses${values.key ? ', first start with a key' : ', no record of the key'}: first start ${(first / 1000).toFixed(2)} s, restart ${(again / 1000).toFixed(2)} s`);
  } finally {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
