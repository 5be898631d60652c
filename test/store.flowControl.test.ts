import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NewDelivery, NewEvent, Store } from '../src/store/Store.js';
import { newDeliveryId } from '../src/ids.js';
import { freshStore, storeFactories } from './helpers/stores.js';
import { T0, due, outcome, webhookOf } from './helpers/storeRows.js';

/**
 * The store's side of flow control (docs/delivery.md#flow-control), held to one contract for
 * both stores: sender leases, the ordered head of a fifo webhook, circuit probes.
 */

/** Events created at `created` (several may share a millisecond), one delivery each to `webhookId`. */
async function publishAt(store: Store, webhookId: string, specs: { id: string; created: number }[]): Promise<Map<string, string>> {
  const items = specs.map(({ id, created }) => {
    const event: NewEvent = { id, business_id: 'b1', type: 'invoice/paid', data: '{}', occurred_at: created, created_at: created };
    return { event, deliveries: [due(webhookId, T0)] };
  });
  const results = await store.publish(items);
  return new Map(results.map((r) => [r.event.id, r.deliveries[0]!.id]));
}

describe('Store flow control', { concurrency: true }, () => {
  for (const factory of storeFactories) {
    describe(factory.name, { skip: factory.skip, concurrency: 6 }, () => {
      const fresh = freshStore(factory);

      test('sender leases: one holder at a time; renewing extends it; an expired or released lease can be taken', async (t) => {
        const { store } = await fresh(t);
        assert.deepEqual(await store.acquireSenders('wrk_a', ['wh_1', 'wh_2', 'wh_1'], T0, T0 + 1000), [
          { webhook_id: 'wh_1', owner: 'wrk_a', lease_until: T0 + 1000 },
          { webhook_id: 'wh_2', owner: 'wrk_a', lease_until: T0 + 1000 },
        ].sort((a, b) => a.webhook_id.localeCompare(b.webhook_id)));
        const refused = await store.acquireSenders('wrk_b', ['wh_1'], T0 + 10, T0 + 2000);
        assert.deepEqual(refused, [{ webhook_id: 'wh_1', owner: 'wrk_a', lease_until: T0 + 1000 }]);
        const renewed = await store.acquireSenders('wrk_a', ['wh_1'], T0 + 500, T0 + 1500);
        assert.deepEqual(renewed, [{ webhook_id: 'wh_1', owner: 'wrk_a', lease_until: T0 + 1500 }]);
        const takenOver = await store.acquireSenders('wrk_b', ['wh_1'], T0 + 1500, T0 + 2500);
        assert.deepEqual(takenOver, [{ webhook_id: 'wh_1', owner: 'wrk_b', lease_until: T0 + 2500 }], 'expired at lease_until');
        await store.releaseSenders('wrk_b', ['wh_2']);
        assert.equal((await store.acquireSenders('wrk_c', ['wh_2'], T0 + 20, T0 + 99))[0]!.owner, 'wrk_a', 'only the holder can release');
        await store.releaseSenders('wrk_a', ['wh_2']);
        assert.equal((await store.acquireSenders('wrk_c', ['wh_2'], T0 + 20, T0 + 99))[0]!.owner, 'wrk_c');
        assert.deepEqual(await store.acquireSenders('wrk_c', [], T0, T0), []);
      });

      test('sender leases: processes racing for the same webhooks each win a webhook at most once', async (t) => {
        const ts = await fresh(t);
        const stores = [ts.store, await ts.openAnother(), await ts.openAnother()];
        // The race is narrow (one process's insert committing while another's statement runs),
        // so it is run many times over fresh webhooks.
        for (let round = 0; round < 40; round++) {
          const ids = Array.from({ length: 30 }, (_, i) => `wh_${round}_${i}`);
          const results = await Promise.all(stores.map((s, i) => s.acquireSenders(`wrk_${i}`, [...ids].reverse(), T0, T0 + 1000)));
          for (const id of ids) {
            const owners = results.map((r) => r.find((l) => l.webhook_id === id)?.owner);
            assert.ok(owners[0] !== undefined, `${id} has a sender`);
            assert.equal(new Set(owners).size, 1, `${id} has one sender, as every process sees it: ${owners.join(', ')}`);
          }
        }
      });

      test('claimDue leaves alone the deliveries of webhooks another process is the sender for', async (t) => {
        const { store } = await fresh(t);
        if (!store.capabilities.multiProcess) {
          t.skip('one process: there is no other sender');
          return;
        }
        const [r] = await store.publish([{ event: { id: 'e1', business_id: 'b1', type: 'x/y', data: '{}', occurred_at: T0, created_at: T0 }, deliveries: [due('wh_mine', T0), due('wh_theirs', T0), due('wh_free', T0)] }]);
        await store.acquireSenders('wrk_me', ['wh_mine'], T0, T0 + 60_000);
        await store.acquireSenders('wrk_other', ['wh_theirs'], T0, T0 + 60_000);
        const claimed = await store.claimDue({ owner: 'wrk_me', now: T0, leaseUntil: T0 + 120_000, limit: 10, excludeWebhooks: [] });
        assert.deepEqual(claimed.map((i) => i.delivery.webhook_id).sort(), ['wh_free', 'wh_mine']);
        const later = await store.claimDue({ owner: 'wrk_me', now: T0 + 60_000, leaseUntil: T0 + 61_000, limit: 10, excludeWebhooks: [] });
        assert.deepEqual(later.map((i) => i.delivery.id), [r!.deliveries[1]!.id], 'once their lease expires, anyone may');
      });

      test('publish: a delivery meant to be held goes in unleased and due when another process is its webhook\'s sender', async (t) => {
        const { store } = await fresh(t);
        if (!store.capabilities.multiProcess) {
          t.skip('one process: there is no other sender');
          return;
        }
        await store.acquireSenders('wrk_other', ['wh_theirs'], T0, T0 + 60_000);
        await store.acquireSenders('wrk_gone', ['wh_lapsed'], T0 - 120_000, T0 - 60_000);
        await store.acquireSenders('wrk_me', ['wh_mine'], T0, T0 + 60_000);
        const held = (w: string): NewDelivery => ({ id: newDeliveryId(), webhook_id: w, lease_owner: 'wrk_me', next_attempt_at: T0 + 120_000 });
        const [r] = await store.publish([
          { event: { id: 'e1', business_id: 'b1', type: 'x/y', data: '{}', occurred_at: T0, created_at: T0 }, deliveries: [held('wh_theirs'), held('wh_lapsed'), held('wh_mine'), held('wh_free')] },
        ]);
        const byWebhook = new Map(r!.deliveries.map((d) => [d.webhook_id, d]));
        assert.deepEqual(
          [...byWebhook.values()].map((d) => [d.webhook_id, d.lease_owner, d.next_attempt_at]),
          [['wh_theirs', null, T0], ['wh_lapsed', 'wrk_me', T0 + 120_000], ['wh_mine', 'wrk_me', T0 + 120_000], ['wh_free', 'wrk_me', T0 + 120_000]],
          'only the delivery whose webhook another live process sends for is given up',
        );
        const stored = await store.getDelivery('b1', byWebhook.get('wh_theirs')!.id);
        assert.equal(stored?.lease_owner, null);
        assert.equal(stored?.next_attempt_at, T0);
        const claimed = await store.claimDue({ owner: 'wrk_other', now: T0, leaseUntil: T0 + 120_000, limit: 10, excludeWebhooks: [] });
        assert.deepEqual(claimed.map((i) => i.delivery.webhook_id), ['wh_theirs'], 'its sender claims it');
      });

      test('claimOrdered: the head run in event order (created_at, then event id), stopping at the first that cannot go', async (t) => {
        const { store } = await fresh(t);
        const ids = await publishAt(store, 'wh_f', [
          { id: 'e-c', created: T0 + 1 },
          { id: 'e-b', created: T0 },
          { id: 'e-a', created: T0 + 1 },
          { id: 'e-d', created: T0 + 2 },
        ]);
        const first = await store.claimOrdered({ owner: 'wrk_1', webhookId: 'wh_f', now: T0, leaseUntil: T0 + 1000, limit: 2 });
        assert.deepEqual(first.items.map((i) => i.event.id), ['e-b', 'e-a']);
        assert.equal(first.items[0]!.delivery.lease_owner, 'wrk_1');
        assert.equal(first.blocked_until, null);

        // The head fails and will be retried later: nothing behind it may go first.
        await store.recordOutcomes([outcome(ids.get('e-b')!, 'wrk_1', { status: 'retrying', next_attempt_at: T0 + 5000 })], T0 + 10);
        const blocked = await store.claimOrdered({ owner: 'wrk_1', webhookId: 'wh_f', now: T0 + 20, leaseUntil: T0 + 1000, limit: 10 });
        assert.deepEqual(blocked, { items: [], blocked_until: T0 + 5000 });

        const due = await store.claimOrdered({ owner: 'wrk_1', webhookId: 'wh_f', now: T0 + 5000, leaseUntil: T0 + 9000, limit: 10 });
        assert.deepEqual(due.items.map((i) => i.event.id), ['e-b', 'e-a', 'e-c', 'e-d'], 'held by me or due: the whole run');

        // Held by another process: wait for its lease.
        const other = await store.claimOrdered({ owner: 'wrk_2', webhookId: 'wh_f', now: T0 + 5001, leaseUntil: T0 + 9000, limit: 10 });
        assert.deepEqual(other, { items: [], blocked_until: T0 + 9000 });

        // Finished deliveries are not part of the head; a failed one no longer blocks.
        await store.recordOutcomes([outcome(ids.get('e-b')!, 'wrk_1', { status: 'failed', next_attempt_at: null })], T0 + 6000);
        await store.recordOutcomes([outcome(ids.get('e-a')!, 'wrk_1', { status: 'succeeded', next_attempt_at: null })], T0 + 6000);
        await store.parkDeliveries('wrk_1', [ids.get('e-c')!]);
        const parked = await store.claimOrdered({ owner: 'wrk_1', webhookId: 'wh_f', now: T0 + 7000, leaseUntil: T0 + 9000, limit: 10 });
        assert.deepEqual(parked, { items: [], blocked_until: null }, 'a parked head stops the run');
        const probe = await store.claimOrdered({ owner: 'wrk_1', webhookId: 'wh_f', now: T0 + 7000, leaseUntil: T0 + 9000, limit: 1, includeParked: true });
        assert.deepEqual(probe.items.map((i) => i.event.id), ['e-c'], 'unless it is the probe');
        assert.equal((await store.claimOrdered({ owner: 'wrk_1', webhookId: 'wh_other', now: T0, leaseUntil: T0, limit: 5 })).items.length, 0);
      });

      test('claimProbe: the oldest delivery that can go, parked ones included; none while everything waits for a retry', async (t) => {
        const { store } = await fresh(t);
        const ids = await publishAt(store, 'wh_p', [
          { id: 'p-1', created: T0 },
          { id: 'p-2', created: T0 + 1 },
        ]);
        await store.claimDue({ owner: 'wrk_1', now: T0, leaseUntil: T0 + 100, limit: 10, excludeWebhooks: [] });
        await store.recordOutcomes([outcome(ids.get('p-1')!, 'wrk_1', { status: 'retrying', next_attempt_at: T0 + 10_000 })], T0 + 1);
        await store.parkDeliveries('wrk_1', [ids.get('p-2')!]);
        const probe = await store.claimProbe({ owner: 'wrk_2', webhookId: 'wh_p', now: T0 + 2, leaseUntil: T0 + 500 });
        assert.equal(probe?.event.id, 'p-2');
        assert.deepEqual([probe!.delivery.lease_owner, probe!.delivery.next_attempt_at], ['wrk_2', T0 + 500]);
        assert.equal(await store.claimProbe({ owner: 'wrk_3', webhookId: 'wh_p', now: T0 + 3, leaseUntil: T0 + 500 }), null);
        assert.equal((await store.claimProbe({ owner: 'wrk_3', webhookId: 'wh_p', now: T0 + 10_000, leaseUntil: T0 + 20_000 }))?.event.id, 'p-1');
      });

      test('deleting a webhook fails what it still owed and no process holds; a park landing after the delete fails too', async (t) => {
        const { store } = await fresh(t);
        await store.createBusiness({ id: 'b1', name: 'B', created_at: T0 });
        const w = await store.createWebhook(webhookOf('b1'));
        const kept = await store.createWebhook(webhookOf('b1'));
        const ids = await publishAt(store, w.id, [
          { id: 'g-parked', created: T0 },
          { id: 'g-held', created: T0 + 1 },
          { id: 'g-due', created: T0 + 2 },
        ]);
        const other = await publishAt(store, kept.id, [{ id: 'k-1', created: T0 }]);
        const claimed = await store.claimDue({ owner: 'wrk_1', now: T0, leaseUntil: T0 + 100, limit: 10, excludeWebhooks: [] });
        assert.equal(claimed.length, 4);
        await store.parkDeliveries('wrk_1', [ids.get('g-parked')!, other.get('k-1')!]);
        await store.releaseLeases('wrk_1', [ids.get('g-due')!], T0);

        assert.equal(await store.deleteWebhook('b1', w.id), true);
        const status = async (id: string) => (await store.getDelivery('b1', id))?.status;
        assert.equal(await status(ids.get('g-parked')!), 'failed', 'parked, held by nobody');
        assert.equal(await status(ids.get('g-due')!), 'failed', 'due, held by nobody');
        assert.equal(await status(ids.get('g-held')!), 'pending', 'the process holding it decides');
        assert.equal(await status(other.get('k-1')!), 'pending', "another webhook's parked delivery is untouched");

        await store.parkDeliveries('wrk_1', [ids.get('g-held')!]);
        assert.equal(await status(ids.get('g-held')!), 'failed', 'nothing would ever unpark it');
      });

      test('unhealthyWebhookIds lists enabled, undeleted webhooks whose circuit is open; setMeta replaces a value', async (t) => {
        const { store } = await fresh(t);
        await store.createBusiness({ id: 'b1', name: 'B', created_at: T0 });
        const sick = await store.createWebhook(webhookOf('b1', { health_state: 'unhealthy' }));
        await store.createWebhook(webhookOf('b1', { health_state: 'unhealthy', enabled: false }));
        const gone = await store.createWebhook(webhookOf('b1', { health_state: 'unhealthy' }));
        await store.createWebhook(webhookOf('b1'));
        await store.deleteWebhook('b1', gone.id);
        assert.deepEqual(await store.unhealthyWebhookIds(), [sick.id]);
        await store.setMeta('k', 'one');
        await store.setMeta('k', 'two');
        assert.equal(await store.getMeta('k'), 'two');
      });
    });
  }
});
