// Where SQLite's WAL checkpoints should run, measured side by side in one run: the real
// SqliteStore publishing 1 KB events (i) with SQLite's automatic checkpoint on the writer at its
// default of 1,000 pages (what the store does), (ii) the same at 4,096 pages, and (iii) a
// background connection on a worker thread running PASSIVE checkpoints every 250 ms, with the
// writer's automatic checkpoint at 4,096 pages to bound the log (the design the store used
// before; docs/architecture.md#sqlite-checkpoints says why it went).
// Reports the time the writer spent inside publish calls, the longest single publish (a
// checkpoint inside a COMMIT shows up there), and the log's peak size.
// Run after `npm run build`: node bench/walCheckpoint.mjs [rounds]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { SqliteStore } from '../dist/store/sqlite/SqliteStore.js';
import { newDeliveryId, newEventId } from '../dist/ids.js';

const EVENTS = 100_000;
const BATCH = 500;
const ROUNDS = Number(process.argv[2] ?? 3);
const data = JSON.stringify({ id: 'x', note: 'y'.repeat(1000) });

const BACKGROUND = `
const { parentPort, workerData } = require('node:worker_threads');
const db = new (require(workerData.driver))(workerData.path);
db.pragma('busy_timeout = 0');
const timer = setInterval(() => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} }, 250);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

async function run(label, pages, background) {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-wal-bench-'));
  const path = join(dir, 'hookline.db');
  const store = SqliteStore.open(`file:${path}`);
  let worker = null;
  try {
    await store.migrate();
    await store.createBusiness({ id: 'b', name: 'b', created_at: 1 });
    store.db.pragma(`wal_autocheckpoint = ${pages}`);
    if (background) {
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      worker = new Worker(BACKGROUND, { eval: true, workerData: { driver, path } });
    }
    let inPublish = 0;
    let longest = 0;
    let peakWal = 0;
    for (let n = 0; n < EVENTS; n += BATCH) {
      const items = Array.from({ length: BATCH }, () => ({
        event: { id: newEventId(), business_id: 'b', type: 'client/created', data, occurred_at: 1, created_at: Date.now() },
        deliveries: [{ id: newDeliveryId(), webhook_id: 'wh_x', lease_owner: 'me', next_attempt_at: Date.now() + 3_600_000 }],
      }));
      const t = performance.now();
      await store.publish(items);
      const took = performance.now() - t;
      inPublish += took;
      longest = Math.max(longest, took);
      peakWal = Math.max(peakWal, statSync(`${path}-wal`).size / 1e6);
      await nextTurn(); // a server yields between requests; so does this loop
    }
    return { label, inPublish, longest, peakWal };
  } finally {
    if (worker) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('stop');
      await exited;
    }
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const variants = [
  ['writer, every 1,000 pages (SQLite default; the store)', 1000, false],
  ['writer, every 4,096 pages', 4096, false],
  ['background connection + writer at 4,096 pages', 4096, true],
];
const fmt = (ms) => `${Math.round(ms).toLocaleString('en-US')} ms`;
console.log(`${EVENTS.toLocaleString('en-US')} events of 1 KB, ${BATCH} per publish, ${ROUNDS} rounds, variants interleaved`);
for (let round = 1; round <= ROUNDS; round++) {
  for (const [label, pages, background] of variants) {
    const r = await run(label, pages, background);
    console.log(`${round}  ${r.label.padEnd(54)} writer busy in publish ${fmt(r.inPublish).padStart(9)}   longest publish ${fmt(r.longest).padStart(6)}   WAL peak ${r.peakWal.toFixed(0)} MB`);
  }
}
