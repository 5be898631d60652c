import { after, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Store, WebhookRow } from '../src/store/Store.js';
import { HooklineError } from '../src/errors.js';
import { newDeliveryId, newEventId, newWebhookId } from '../src/ids.js';
import { storeFactories, type StoreFactory, type TestStore } from './helpers/stores.js';
import { undroppedTestDatabases } from './helpers/postgres.js';

/**
 * Issue 13 §2, one store vocabulary: the parts of the contract the two stores used to keep
 * each in their own way. A patch never rewrites what identifies a webhook (SQLite wrote
 * whatever the patch held), and `listen` is there exactly when `capabilities.notify` says so,
 * waking listeners on every change Store.listen lists.
 */

const T0 = 1_700_000_000_000;

function webhook(business: string, createdAt: number): WebhookRow {
  return {
    id: newWebhookId(), business_id: business, name: 'Vocabulary', url: 'https://example.com/hook', events: ['*'],
    dialect: 'standard', enabled: true, headers: {}, timeout_ms: 5000, retry_schedule: null, rate_limit: null,
    max_in_flight: 10, ordering: 'none', secret: 'whsec_c2VjcmV0', previous_secret: null, previous_secret_expires_at: null,
    health_state: 'healthy', consecutive_failures: 0, health_since: null, health_reason: null, created_at: createdAt, updated_at: createdAt,
  };
}

/** Publishes one event with one delivery, due at T0 and held by nobody; returns the delivery's id. */
async function publishDue(store: Store, webhookId: string): Promise<string> {
  const [r] = await store.publish([{
    event: { id: newEventId(), business_id: 'b1', type: 'client/created', data: '{}', occurred_at: T0, created_at: T0 },
    deliveries: [{ id: newDeliveryId(), webhook_id: webhookId, lease_owner: null, next_attempt_at: T0 }],
  }]);
  return r!.deliveries[0]!.id;
}

describe('Store contract: one vocabulary (issue 13)', { concurrency: true }, () => {
  for (const factory of storeFactories) {
    describe(factory.name, { skip: factory.skip, concurrency: 4 }, () => {
      const fresh = async (t: TestContext, opts?: Parameters<StoreFactory['create']>[0]): Promise<TestStore> => {
        const ts = await factory.create(opts);
        t.after(() => ts.dispose());
        await ts.store.createBusiness({ id: 'b1', name: 'One', created_at: T0 });
        return ts;
      };

      test('issue 13: updateWebhook never changes id, business_id or created_at, whatever the patch object holds', async (t) => {
        const { store } = await fresh(t);
        const w = await store.createWebhook(webhook('b1', T0));
        // The type forbids these fields; a caller's object can still carry them at run time.
        const patch = { name: 'Renamed', id: 'wh_stolen', business_id: 'b2', created_at: T0 + 99 } as Parameters<Store['updateWebhook']>[2];
        const updated = await store.updateWebhook('b1', w.id, patch, T0 + 10);
        assert.deepEqual(updated, { ...w, name: 'Renamed', updated_at: T0 + 10 });
        assert.deepEqual(await store.getWebhook('b1', w.id), updated);
        assert.equal(await store.getWebhookById('wh_stolen'), null);
        assert.deepEqual(await store.webhooksOfBusiness('b2'), []);
      });

      test('capabilities: listen is there exactly when capabilities.notify is true, through every way of opening the store', async (t) => {
        const ts = await fresh(t);
        for (const store of [ts.store, await ts.openAnother()]) {
          assert.equal(typeof store.listen === 'function', store.capabilities.notify, `${factory.name}: notify=${store.capabilities.notify}`);
          assert.equal(store.capabilities.notify, store.kind === 'postgres');
        }
      });

      test('listen: an unpark, a replay and a dead process\'s leases given back each wake listeners; stop is safe twice; a closed store cannot listen', async (t) => {
        // Notifications are per database, so cases running alongside in other schemas would wake this one.
        const ts = await fresh(t, { isolation: 'database' });
        const { store } = ts;
        if (!store.listen) {
          t.skip(`${factory.name} cannot notify`);
          return;
        }
        let woken = 0;
        const wakes = async (what: string, change: () => Promise<unknown>): Promise<void> => {
          const before = woken;
          await change();
          const end = Date.now() + 5000;
          while (woken === before) {
            if (Date.now() > end) throw new Error(`${what} woke nobody`);
            await new Promise((r) => setTimeout(r, 10));
          }
        };
        const stop = await store.listen(() => woken++);
        const other = await ts.openAnother();
        const w = await other.createWebhook(webhook('b1', T0));

        // Parked: held, then given back with no time (its webhook was disabled).
        const parked = await publishDue(other, w.id);
        await other.claimDue({ owner: 'wrk_a', now: T0, leaseUntil: T0 + 1000, limit: 10, excludeWebhooks: [] });
        await other.parkDeliveries('wrk_a', [parked]);
        await wakes('an unpark', async () => assert.equal(await other.unparkWebhook(w.id, T0 + 1), 1));

        // Failed, then replayed.
        await other.claimDue({ owner: 'wrk_a', now: T0 + 2, leaseUntil: T0 + 1000, limit: 10, excludeWebhooks: [] });
        await other.failDeliveries('wrk_a', [parked], T0 + 3);
        await wakes('a replay', async () => assert.equal(await other.replayFailed(w.id, 0, T0 + 4), 1));

        // Held by a process that stopped beating.
        const now = Date.now();
        await other.heartbeat({ id: 'wrk_dead', host: 'h', pid: 1, mode: 'worker', started_at: now - 120_000, heartbeat_at: now - 120_000 });
        await other.claimDue({ owner: 'wrk_dead', now, leaseUntil: now + 60_000, limit: 10, excludeWebhooks: [] });
        await wakes('giving back a dead process\'s leases', async () => {
          const released = await other.releaseDeadProcesses({ now, deadBefore: now - 60_000, except: 'wrk_live' });
          assert.deepEqual(released.processes, ['wrk_dead']);
          assert.equal(released.deliveries, 1);
        });

        await stop();
        await stop();
        const again = await store.listen(() => woken++);
        await store.close();
        await again();
        await assert.rejects(store.listen(() => undefined), (err: unknown) => err instanceof HooklineError && err.code === 'STORE_UNAVAILABLE');
      });
    });
  }
});

after(() => {
  assert.deepEqual(undroppedTestDatabases(), [], 'every test database was dropped');
});
