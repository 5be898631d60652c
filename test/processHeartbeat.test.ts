import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HooklineEvents } from '../src/events.js';
import { DEAD_AFTER_BEATS, ProcessHeartbeat } from '../src/dispatch/ProcessHeartbeat.js';
import type { ReleasedLeases, Store } from '../src/store/Store.js';
import { newDeliveryId } from '../src/ids.js';
import { storeFactories } from './helpers/stores.js';
import { until } from './helpers/wait.js';

/** ProcessHeartbeat against real stores (issue 12 §3): when it gives leases back, and when it must not yet. */

const BEAT_MS = 100;

async function heldBy(store: Store, owner: string): Promise<string> {
  const id = newDeliveryId();
  const now = Date.now();
  await store.publish([{ event: { id: `e-${id}`, business_id: 'b', type: 'client/created', data: '{}', occurred_at: now, created_at: now }, deliveries: [{ id, webhook_id: 'wh_x', lease_owner: owner, next_attempt_at: now + 120_000 }] }]);
  return id;
}

function heartbeatFor(store: Store, workerId: string) {
  const released: { at: number; what: ReleasedLeases }[] = [];
  const events = new HooklineEvents();
  const errors: Error[] = [];
  events.on('dispatcher:error', (e) => errors.push(e));
  const hb = new ProcessHeartbeat({ store, events, workerId, mode: 'worker', heartbeatMs: BEAT_MS, onReleased: (what) => released.push({ at: Date.now(), what }) });
  return { hb, released, errors };
}

describe('ProcessHeartbeat (issue 12)', () => {
  for (const factory of storeFactories) {
    test(`${factory.name}: registers at start, and a clean stop removes the row`, { skip: factory.skip }, async (t) => {
      const ts = await factory.create();
      t.after(() => ts.dispose());
      const { hb, errors } = heartbeatFor(ts.store, 'wrk_me');
      await hb.start();
      assert.deepEqual((await ts.store.listProcesses()).map((p) => [p.id, p.mode, p.pid]), [['wrk_me', 'worker', process.pid]]);
      const first = (await ts.store.listProcesses())[0]!.heartbeat_at;
      await until('a later beat is stored', async () => (await ts.store.listProcesses())[0]!.heartbeat_at > first, 5_000);
      await hb.stop();
      await hb.stop();
      assert.deepEqual(await ts.store.listProcesses(), []);
      assert.deepEqual(errors, []);
    });
  }

  const sqlite = storeFactories.find((f) => f.kind === 'sqlite')!;
  test('sqlite: a starting process gives back every lease not its own before it beats again', async (t) => {
    const ts = await sqlite.create();
    t.after(() => ts.dispose());
    const left = await heldBy(ts.store, 'wrk_killed');
    const { hb, released } = heartbeatFor(ts.store, 'wrk_me');
    await hb.start();
    t.after(() => hb.stop());
    assert.equal(released.length, 1, 'during start');
    assert.equal(released[0]!.what.deliveries, 1);
    assert.equal((await ts.store.getDelivery('b', left))!.lease_owner, null);
  });

  const postgres = storeFactories.find((f) => f.kind === 'postgres')!;
  test('postgres: a silent process is released only once this one has beaten without a gap for as long, then at once', { skip: postgres.skip }, async (t) => {
    const ts = await postgres.create();
    t.after(() => ts.dispose());
    const longAgo = Date.now() - 60_000;
    await ts.store.heartbeat({ id: 'wrk_killed', host: 'h', pid: 1, mode: 'serve', started_at: longAgo, heartbeat_at: longAgo });
    const left = await heldBy(ts.store, 'wrk_killed');
    const { hb, released } = heartbeatFor(ts.store, 'wrk_me');
    const started = Date.now();
    await hb.start();
    t.after(() => hb.stop());
    assert.equal(released.length, 0, 'just back: it cannot tell a dead process from one that could not reach the database either');
    await until('released', async () => released.length > 0, 5_000);
    assert.ok(released[0]!.at - started >= DEAD_AFTER_BEATS * BEAT_MS, `released ${released[0]!.at - started} ms after start`);
    assert.deepEqual(released[0]!.what, { processes: ['wrk_killed'], deliveries: 1, senders: 0 });
    assert.equal((await ts.store.getDelivery('b', left))!.lease_owner, null);
    assert.deepEqual((await ts.store.listProcesses()).map((p) => p.id), ['wrk_me']);
  });
});
