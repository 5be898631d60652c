// Store hot-path micro-benchmark: publish (event + 10 deliveries), record outcomes, claim,
// each beside a baseline measured in the same run: plain batched INSERTs of the same number of
// rows into a one-index table in the same kind of SQLite file (WAL, synchronous=NORMAL).
// Run after `npm run build`: node bench/storeOps.mjs
import Database from 'better-sqlite3';
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../dist/store/sqlite/SqliteStore.js';

const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-'));
const EVENTS = 10_000;
const FANOUT = 10;
const data = JSON.stringify({ id: 'x', note: 'y'.repeat(900) });

function baseline(rows) {
  const db = new Database(join(dir, 'baseline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, a TEXT, b INTEGER, c TEXT)');
  const ins = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?)');
  const t0 = performance.now();
  for (let i = 0; i < rows; i += 500) db.transaction(() => { for (let j = i; j < i + 500 && j < rows; j++) ins.run(`r${j}`, 'abcdefghijklmnop', j, 'q'); })();
  const rate = rows / ((performance.now() - t0) / 1000);
  db.close();
  return rate;
}

const store = SqliteStore.open(`file:${join(dir, 'hookline.db')}`);
await store.migrate();
await store.createBusiness({ id: 'b', name: 'b', created_at: 1 });
let n = 0;
const batch = (leased) => Array.from({ length: 100 }, () => {
  const e = n++;
  return {
    event: { id: `e${e}`, business_id: 'b', type: 'invoice/paid', data, occurred_at: 1, created_at: Date.now() },
    deliveries: Array.from({ length: FANOUT }, (_, k) => ({ id: `d${e}-${k}`, webhook_id: `w${k}`, lease_owner: leased ? 'me' : null, next_attempt_at: Date.now() + (leased ? 1e6 : 0) })),
  };
});

const rows = EVENTS * FANOUT;
const base = baseline(rows);
let t0 = performance.now();
const held = [];
for (let i = 0; i < EVENTS / 100; i++) for (const r of await store.publish(batch(true))) held.push(...r.deliveries);
const publish = rows / ((performance.now() - t0) / 1000);

t0 = performance.now();
for (let i = 0; i < held.length; i += 500) {
  await store.recordOutcomes(held.slice(i, i + 500).map((d) => ({
    attempt: { delivery_id: d.id, number: 1, started_at: 1, duration_ms: 1, status_code: 200, error: null, response_body: 'ok' },
    status: 'succeeded', next_attempt_at: null, lease_owner: 'me',
  })), Date.now());
}
const record = rows / ((performance.now() - t0) / 1000);

for (let i = 0; i < EVENTS / 100; i++) await store.publish(batch(false));
t0 = performance.now();
let claimed = 0;
for (;;) {
  const got = await store.claimDue({ owner: 'me', now: Date.now(), leaseUntil: Date.now() + 1e6, limit: 500, excludeWebhooks: [] });
  if (got.length === 0) break;
  claimed += got.length;
}
const claim = claimed / ((performance.now() - t0) / 1000);
await store.close();
rmSync(dir, { recursive: true, force: true });

const fmt = (x) => Math.round(x).toLocaleString('en-US');
console.log(`baseline: plain batched inserts        ${fmt(base)} rows/s`);
for (const [name, rate] of [['publish (deliveries, 1 event : 10)', publish], ['record outcomes (attempt + update)', record], ['claim (500 per statement)', claim]]) {
  console.log(`${name.padEnd(38)} ${fmt(rate).padStart(9)} rows/s   ${(rate / base).toFixed(2)}× baseline`);
}
