import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulidx';
import { SqliteStore } from '../src/store/sqlite/SqliteStore.js';
import type { RetentionSweep, Store } from '../src/store/Store.js';
import { HooklineEvents } from '../src/events.js';
import { RetentionSweeper } from '../src/retention/RetentionSweeper.js';
import { defaults, envNames, loadConfig } from '../src/config.js';

const DAY = 86_400_000;
const NOW = Date.now();

async function storeWithOldEvents(t: TestContext, n: number): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-retention-'));
  const store = SqliteStore.open(`file:${join(dir, 'hookline.db')}`);
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await store.migrate();
  const at = NOW - 40 * DAY;
  await store.publish(Array.from({ length: n }, (_, i) => ({
    event: { id: `old-${i}`, business_id: 'b1', type: 'client/created', data: '{}', occurred_at: at, created_at: at },
    deliveries: [{ id: `dlv_${ulid(at)}`, webhook_id: 'wh_a', lease_owner: null, next_attempt_at: at }],
  })));
  const claimed = await store.claimDue({ owner: 'w', now: at, leaseUntil: at + 1000, limit: n, excludeWebhooks: [] });
  await store.recordOutcomes(claimed.map(({ delivery }) => ({
    attempt: { delivery_id: delivery.id, number: 1, started_at: at, duration_ms: 1, status_code: 200, error: null, response_body: null },
    status: 'succeeded' as const,
    next_attempt_at: null,
    lease_owner: 'w',
  })), at);
  return store;
}

test('HOOKLINE_RETENTION_DAYS: 30 days by default, validated, 0 allowed to keep everything', () => {
  assert.equal(defaults.retentionDays, 30);
  assert.equal(envNames.retentionDays, 'HOOKLINE_RETENTION_DAYS');
  assert.equal(loadConfig({}).retentionDays, 30);
  assert.equal(loadConfig({ HOOKLINE_RETENTION_DAYS: '7' }).retentionDays, 7);
  assert.equal(loadConfig({ HOOKLINE_RETENTION_DAYS: '0' }).retentionDays, 0);
  assert.throws(() => loadConfig({ HOOKLINE_RETENTION_DAYS: '-1' }), /HOOKLINE_RETENTION_DAYS/);
  assert.throws(() => loadConfig({ HOOKLINE_RETENTION_DAYS: '1.5' }), /HOOKLINE_RETENTION_DAYS/);
});

test('a sweep purges everything past the window in small batches and reports it', async (t) => {
  const store = await storeWithOldEvents(t, 25);
  const events = new HooklineEvents();
  const sweeper = new RetentionSweeper({ store, events, retentionDays: 30, batchSize: 10 });
  const result = await sweeper.sweep();
  assert.ok(result);
  assert.deepEqual(
    { deliveries: result.deliveries, attempts: result.attempts, events: result.events, complete: result.complete },
    { deliveries: 25, attempts: 25, events: 25, complete: true },
  );
  assert.equal(result.batches, 3 + 3, 'deliveries and events, 10 rows looked at per batch');
  assert.equal(await store.getEvent('b1', 'old-0'), null);
  await sweeper.stop();
});

test('stop() during a sweep ends it between two batches, leaves the rest for the next, and is safe to call twice', async (t) => {
  const store = await storeWithOldEvents(t, 40);
  const sweeper = new RetentionSweeper({ store, events: new HooklineEvents(), retentionDays: 30, batchSize: 5 });
  const sweeping = sweeper.sweep();
  await new Promise((r) => setImmediate(r));
  await Promise.all([sweeper.stop(), sweeper.stop()]);
  const result = await sweeping;
  assert.ok(result);
  assert.equal(result.complete, false);
  assert.ok(result.deliveries > 0 && result.deliveries < 40, `stopped part way (${result.deliveries} of 40)`);
  assert.equal(await sweeper.sweep(), null, 'a stopped sweeper does not sweep');
  const again = await store.beginRetentionSweep();
  assert.ok(again, 'the stopped sweep let go of the store');
  await again.end();
});

test('start() sweeps on its timer, reports through events, and a failing pass is reported without stopping the timer', async (t) => {
  const store = await storeWithOldEvents(t, 3);
  const events = new HooklineEvents();
  const swept: unknown[] = [];
  const errors: Error[] = [];
  events.on('retention:swept', (r) => swept.push(r));
  events.on('retention:error', (e) => errors.push(e));
  let fail = true;
  const flaky: Store = Object.create(store, {
    beginRetentionSweep: {
      value: async () => {
        if (fail) {
          fail = false;
          throw new Error('database is away');
        }
        return store.beginRetentionSweep();
      },
    },
  });
  const sweeper = new RetentionSweeper({ store: flaky, events, retentionDays: 30, firstSweepMs: 1, intervalMs: 20 });
  t.after(() => sweeper.stop());
  sweeper.start();
  const end = Date.now() + 5000;
  while (swept.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /database is away/);
  assert.equal(swept.length, 1);
  await sweeper.stop();
});

test('retention 0 never sweeps', async (t) => {
  const store = await storeWithOldEvents(t, 2);
  const sweeper = new RetentionSweeper({ store, events: new HooklineEvents(), retentionDays: 0, firstSweepMs: 1 });
  sweeper.start();
  await new Promise((r) => setTimeout(r, 30));
  await sweeper.stop();
  assert.ok(await store.getEvent('b1', 'old-0'));
});

test('slow batches are halved and fast ones grow back, never past batchSize: a synchronous store stalls the process for a whole batch', async () => {
  const limits: number[] = [];
  let calls = 0;
  const sweep: RetentionSweep = {
    async purgeDeliveries(b) {
      limits.push(b.limit);
      calls++;
      // The first three batches are slow (a cold cache), then the work gets cheap.
      if (calls <= 3) await new Promise((r) => setTimeout(r, 30));
      return { scanned: b.limit, deliveries: b.limit, attempts: 0, cursor: calls < 8 ? String(calls) : null };
    },
    async purgeEvents() {
      return { scanned: 0, events: 0, cursor: null };
    },
    async end() {},
  };
  const store = { beginRetentionSweep: async () => sweep } as unknown as Store;
  const sweeper = new RetentionSweeper({ store, events: new HooklineEvents(), retentionDays: 30, batchSize: 1000, batchTargetMs: 20 });
  await sweeper.sweep();
  assert.deepEqual(limits, [1000, 500, 250, 125, 250, 500, 1000, 1000]);
});
