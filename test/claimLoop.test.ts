import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../src/config.js';
import { ClaimLoop } from '../src/dispatch/ClaimLoop.js';
import type { DispatchItem } from '../src/store/Store.js';
import { newDeliveryId } from '../src/ids.js';
import { storeFactories } from './helpers/stores.js';

const sqlite = storeFactories.find((f) => f.name === 'sqlite')!;

/**
 * A wake (a NOTIFY from another process, a retry asked for through the API) that arrives while
 * the loop is in the middle of a claim must not be lost: that claim may have read the store
 * before the new delivery was committed, and the loop would otherwise sleep a whole poll.
 */
test('a wake that arrives during a claim makes the loop claim again at once, not a poll later', async (t) => {
  const ts = await sqlite.create();
  const { store } = ts;
  const taken: { item: DispatchItem; at: number }[] = [];
  const config = loadConfig({}, { pollMs: 30_000 });
  const loop = new ClaimLoop(store, config, {
    workerId: 'wrk_test',
    held: new Map(),
    take: (items, at) => items.forEach((item) => taken.push({ item, at })),
    saturated: () => [],
    claimRoom: () => ({ limit: config.maxHeld, excludeBusinesses: [] }),
    onError: (err) => assert.fail(err),
  });
  t.after(async () => {
    await loop.stop();
    await ts.dispose();
  });

  // The SQLite store does its work before its promise returns (SqliteStore's doc), so these
  // three happen in this order within one turn: the loop's first claim reads the store and
  // finds nothing; a delivery becomes due; the wake comes, while that claim has not returned.
  loop.start();
  const published = store.publish([
    { event: { id: 'e1', business_id: 'b1', type: 'invoice/paid', data: '{}', occurred_at: 1, created_at: 1 }, deliveries: [{ id: newDeliveryId(), webhook_id: 'wh_1', lease_owner: null, next_attempt_at: 0 }] },
  ]);
  const woke = Date.now();
  loop.wake();
  await published;
  for (let i = 0; i < 100 && taken.length === 0; i++) await sleep(20);
  assert.equal(taken.length, 1, 'claimed after the wake, without waiting for the 30 s poll');
  assert.ok(taken[0]!.at - woke < 2_000, `claimed ${taken[0]!.at - woke} ms after the wake`);
});
