import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { newEventId } from '../src/ids.js';
import { storeFactories, type TestStore } from './helpers/stores.js';
import { T0, webhookOf } from './helpers/storeRows.js';

/** What payload filters need of every store (issue 16): the filter column, and a business's last N events. */

describe('Store contract: payload filters', { concurrency: true }, () => {
  for (const factory of storeFactories) {
    describe(factory.name, { skip: factory.skip, concurrency: 4 }, () => {
      const fresh = async (t: TestContext): Promise<TestStore> => {
        const ts = await factory.create();
        t.after(() => ts.dispose());
        for (const id of ['b1', 'b2']) await ts.store.createBusiness({ id, name: id, created_at: T0 });
        return ts;
      };

      test('a webhook keeps its filter as JSON, key order and all; a patch replaces or removes it', async (t) => {
        const { store } = await fresh(t);
        const filter = { 'data.amount_paid': { $gt: 1000, $lte: 1e9 }, $or: [{ 'data.tags.$': 'vip' }, { type: 'invoice/paid' }], 'data.note': null };
        const w = await store.createWebhook(webhookOf('b1', { filter }));
        const read = await store.getWebhook('b1', w.id);
        assert.deepEqual(read?.filter, filter);
        assert.deepEqual(Object.keys(read!.filter!), Object.keys(filter));
        assert.deepEqual((await store.webhooksOfBusiness('b1'))[0]!.filter, filter);
        const replaced = await store.updateWebhook('b1', w.id, { filter: { business: 'b1' } }, T0 + 1);
        assert.deepEqual(replaced?.filter, { business: 'b1' });
        const removed = await store.updateWebhook('b1', w.id, { filter: null }, T0 + 2);
        assert.equal(removed?.filter ?? null, null);
        const plain = await store.createWebhook(webhookOf('b1'));
        assert.deepEqual(await store.getWebhook('b1', plain.id), plain, 'a webhook written without a filter reads back equal');
      });

      test("recentEvents: a business's last N events, newest first, never another business's", async (t) => {
        const { store } = await fresh(t);
        const ids: string[] = [];
        for (let i = 0; i < 6; i++) {
          const id = newEventId();
          ids.push(id);
          await store.publish([
            { event: { id, business_id: 'b1', type: 'client/created', data: JSON.stringify({ n: i }), occurred_at: T0 + i, created_at: T0 + i }, deliveries: [] },
            { event: { id: `${id}-other`, business_id: 'b2', type: 'client/created', data: '{}', occurred_at: T0 + i, created_at: T0 + i }, deliveries: [] },
          ]);
        }
        const last3 = await store.recentEvents('b1', 3);
        assert.deepEqual(last3.map((e) => e.id), ids.slice(3).reverse());
        assert.deepEqual(last3.map((e) => JSON.parse(e.data) as unknown), [{ n: 5 }, { n: 4 }, { n: 3 }]);
        assert.equal(last3[0]!.business_id, 'b1');
        assert.equal((await store.recentEvents('b1', 100)).length, 6);
        assert.deepEqual(await store.recentEvents('nobody', 10), []);
      });
    });
  }
});
