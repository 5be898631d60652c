// What storing events in arrival order is worth, side by side in one run: the real SqliteStore
// publishing 1 KB events (one delivery each, across 100 webhooks, 1,000 per publish, each
// batch's outcomes recorded too), with its events table as migration 0005 leaves it (a rowid
// table and a unique index on (business_id, id)) against the same store with the table put
// back the way 0001 made it (WITHOUT ROWID, clustered on (business_id, id)). Each layout is
// run with Hookline's own time-ordered ids and with random ids (UUIDs, as a publisher's own
// ids often are). docs/architecture.md#events-in-arrival-order.
// Run after `npm run build`: node bench/eventLayout.mjs [events]
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../dist/store/sqlite/SqliteStore.js';
import { newDeliveryId, newEventId } from '../dist/ids.js';

const EVENTS = Number(process.argv[2] ?? 100_000);
const BATCH = 1000;
const data = JSON.stringify({ id: 'x', note: 'y'.repeat(1000) });

const CLUSTERED = `
DROP INDEX events_created; DROP INDEX events_key; DROP TABLE events;
CREATE TABLE events (business_id TEXT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL,
  occurred_at INTEGER NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (business_id, id)) STRICT, WITHOUT ROWID;
CREATE INDEX events_created ON events (created_at, business_id, id);`;

async function run(clustered, randomIds) {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-events-bench-'));
  const store = SqliteStore.open(`file:${join(dir, 'hookline.db')}`);
  try {
    await store.migrate();
    if (clustered) store.db.exec(CLUSTERED);
    await store.createBusiness({ id: 'b', name: 'b', created_at: 1 });
    let publishMs = 0;
    let outcomesMs = 0;
    for (let n = 0; n < EVENTS; n += BATCH) {
      const items = Array.from({ length: BATCH }, (_, i) => ({
        event: { id: randomIds ? randomUUID() : newEventId(), business_id: 'b', type: 'client/created', data, occurred_at: 1, created_at: Date.now() },
        deliveries: [{ id: newDeliveryId(), webhook_id: `wh_${i % 100}`, lease_owner: 'me', next_attempt_at: Date.now() + 3_600_000 }],
      }));
      let t = performance.now();
      const results = await store.publish(items);
      publishMs += performance.now() - t;
      t = performance.now();
      await store.recordOutcomes(results.map((r) => ({
        attempt: { delivery_id: r.deliveries[0].id, number: 1, started_at: 1, duration_ms: 1, status_code: 200, error: null, response_body: 'ok' },
        status: 'succeeded', next_attempt_at: null, lease_owner: 'me',
      })), Date.now());
      outcomesMs += performance.now() - t;
    }
    return { publishMs, outcomesMs };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (ms) => `${Math.round(ms).toLocaleString('en-US')} ms`;
console.log(`${EVENTS.toLocaleString('en-US')} events of 1 KB, ${BATCH} per publish, one delivery each`);
for (const randomIds of [false, true]) {
  const before = await run(true, randomIds);
  const after = await run(false, randomIds);
  const ids = randomIds ? 'random ids (UUID)' : 'time-ordered ids';
  console.log(`${ids.padEnd(18)} clustered (0001): publish ${fmt(before.publishMs).padStart(9)}, outcomes ${fmt(before.outcomesMs).padStart(8)}`);
  console.log(`${''.padEnd(18)} arrival order:    publish ${fmt(after.publishMs).padStart(9)}, outcomes ${fmt(after.outcomesMs).padStart(8)}   publish ${(before.publishMs / after.publishMs).toFixed(2)}x faster`);
}
