// What moving WAL checkpoints off the writing connection is worth, measured side by side in one
// run: the real SqliteStore publishing 1 KB events with its background checkpointer, against
// the same store with SQLite's automatic checkpoints on the writer (the default it replaced).
// Reports publish time, time the writer spent inside publish calls, and the log's size (peak and at the end).
// Run after `npm run build`: node bench/walCheckpoint.mjs
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { SqliteStore } from '../dist/store/sqlite/SqliteStore.js';
import { newDeliveryId, newEventId } from '../dist/ids.js';

const EVENTS = 100_000;
const BATCH = 500;
const data = JSON.stringify({ id: 'x', note: 'y'.repeat(1000) });

async function run(label, automatic) {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-wal-bench-'));
  const path = join(dir, 'hookline.db');
  const store = SqliteStore.open(`file:${path}`);
  try {
    await store.migrate();
    await store.createBusiness({ id: 'b', name: 'b', created_at: 1 });
    // The "before": checkpoints back on the writer, every 1,000 pages, as SQLite does by default.
    if (automatic) await store.checkpointer?.stop();
    let inPublish = 0;
    let peakWal = 0;
    const t0 = performance.now();
    for (let n = 0; n < EVENTS; n += BATCH) {
      const items = Array.from({ length: BATCH }, () => ({
        event: { id: newEventId(), business_id: 'b', type: 'client/created', data, occurred_at: 1, created_at: Date.now() },
        deliveries: [{ id: newDeliveryId(), webhook_id: 'wh_x', lease_owner: 'me', next_attempt_at: Date.now() + 3_600_000 }],
      }));
      const t = performance.now();
      await store.publish(items);
      inPublish += performance.now() - t;
      peakWal = Math.max(peakWal, statSync(`${path}-wal`).size / 1e6);
      await nextTurn(); // a server yields between requests; so does this loop
    }
    const total = performance.now() - t0;
    const wal = statSync(`${path}-wal`).size / 1e6;
    return { label, total, inPublish, wal, peakWal };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const before = await run('checkpoints on the writer (SQLite default)', true);
const after = await run('checkpoints on a background connection', false);
const fmt = (ms) => `${Math.round(ms).toLocaleString('en-US')} ms`;
console.log(`${EVENTS.toLocaleString('en-US')} events of 1 KB, ${BATCH} per publish`);
for (const r of [before, after]) {
  console.log(`${r.label.padEnd(44)} total ${fmt(r.total).padStart(9)}   writer busy in publish ${fmt(r.inPublish).padStart(9)}   WAL ${r.wal.toFixed(0)} MB (peak ${r.peakWal.toFixed(0)} MB)`);
}
console.log(`writer time in publish: ${(before.inPublish / after.inPublish).toFixed(2)}x less with the background connection`);
