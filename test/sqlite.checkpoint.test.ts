import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { SqliteStore } from '../src/store/sqlite/SqliteStore.js';
import { newDeliveryId, newEventId } from '../src/ids.js';

/**
 * The log must start over under sustained writes: a checkpoint has to copy every frame for
 * that to happen, and when checkpoints ran on a background connection alone the log grew to
 * three times the database (docs/architecture.md#sqlite-checkpoints).
 */
test('under sustained publishing the write-ahead log stays bounded and every row is readable afterwards', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-wal-'));
  const path = join(dir, 'hookline.db');
  const store = SqliteStore.open(`file:${path}`);
  try {
    await store.migrate();
    await store.createBusiness({ id: 'b', name: 'b', created_at: 1 });
    const data = JSON.stringify({ id: 'x', note: 'y'.repeat(900) });
    const deadline = Date.now() + 60_000;
    let events = 0;
    // ~150 MB of log without restarts; well under the 64 MB journal_size_limit with them.
    while (events < 60_000 && Date.now() < deadline) {
      const items = Array.from({ length: 500 }, () => ({
        event: { id: newEventId(), business_id: 'b', type: 'client/created', data, occurred_at: 1, created_at: Date.now() },
        deliveries: [{ id: newDeliveryId(), webhook_id: 'wh_x', lease_owner: 'me', next_attempt_at: Date.now() + 3_600_000 }],
      }));
      await store.publish(items);
      events += items.length;
      // The server yields between requests; so does this loop.
      await nextTurn();
    }
    const wal = statSync(`${path}-wal`).size;
    const db = statSync(path).size;
    assert.ok(wal < 64 * 1024 * 1024, `the log is ${(wal / 1e6).toFixed(0)} MB beside a ${(db / 1e6).toFixed(0)} MB database`);
    assert.ok(db > 30 * 1024 * 1024, 'the background connection copied the log into the database file');
    const page = await store.listDeliveries('b', {}, { limit: 1 });
    assert.equal(page.data.length, 1);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
