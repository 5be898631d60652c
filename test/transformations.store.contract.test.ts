import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { newEventId } from '../src/ids.js';
import { storeFactories, type TestStore } from './helpers/stores.js';
import { due, outcome, T0, webhookOf } from './helpers/storeRows.js';

/** What transformations need of every store (issue 16, migration 0011): the webhook's column, saved versions, each attempt's version, and the cancelled status. */

describe('Store contract: transformations', { concurrency: true }, () => {
  for (const factory of storeFactories) {
    describe(factory.name, { skip: factory.skip, concurrency: 4 }, () => {
      const fresh = async (t: TestContext): Promise<TestStore> => {
        const ts = await factory.create();
        t.after(() => ts.dispose());
        await ts.store.createBusiness({ id: 'b1', name: 'b1', created_at: T0 });
        return ts;
      };

      test('a webhook keeps its transformation; versions are kept per webhook, newest first, a repeated save ignored', async (t) => {
        const { store } = await fresh(t);
        const transformation = { code: 'function handler(r) { return r }', enabled: true, version: 1 };
        const w = await store.createWebhook(webhookOf('b1', { transformation }));
        assert.deepEqual((await store.getWebhook('b1', w.id))?.transformation, transformation);
        const off = await store.updateWebhook('b1', w.id, { transformation: { ...transformation, enabled: false } }, T0 + 1);
        assert.equal(off?.transformation?.enabled, false);
        assert.equal((await store.updateWebhook('b1', w.id, { transformation: null }, T0 + 2))?.transformation ?? null, null);
        const plain = await store.createWebhook(webhookOf('b1'));
        assert.deepEqual(await store.getWebhook('b1', plain.id), plain, 'a webhook written without one reads back equal');

        await store.addTransformationVersion({ webhook_id: w.id, version: 1, code: 'v1', created_at: T0 });
        await store.addTransformationVersion({ webhook_id: w.id, version: 2, code: 'v2', created_at: T0 + 5 });
        await store.addTransformationVersion({ webhook_id: w.id, version: 2, code: 'again', created_at: T0 + 6 });
        await store.addTransformationVersion({ webhook_id: plain.id, version: 1, code: 'other', created_at: T0 });
        assert.deepEqual(await store.transformationVersions(w.id), [
          { webhook_id: w.id, version: 2, code: 'v2', created_at: T0 + 5 },
          { webhook_id: w.id, version: 1, code: 'v1', created_at: T0 },
        ]);
        assert.deepEqual(await store.transformationVersions('wh_none'), []);
      });

      test("an attempt records the version that shaped it; a cancelled delivery is final and found by its status", async (t) => {
        const { store } = await fresh(t);
        const w = await store.createWebhook(webhookOf('b1'));
        const d1 = due(w.id, T0, 'wrk_1');
        const d2 = due(w.id, T0, 'wrk_1');
        await store.publish([
          { event: { id: newEventId(), business_id: 'b1', type: 'client/created', data: '{}', occurred_at: T0, created_at: T0 }, deliveries: [d1, d2] },
        ]);
        const shaped = outcome(d1.id, 'wrk_1', { status_code: 200, status: 'succeeded', next_attempt_at: null });
        shaped.attempt.transformation_version = 3;
        const cancelled = outcome(d2.id, 'wrk_1', { status: 'cancelled', next_attempt_at: null });
        Object.assign(cancelled.attempt, { status_code: null, error: null, response_body: 'Cancelled by the transformation: nothing was sent.', transformation_version: 1 });
        await store.recordOutcomes([shaped, cancelled], T0 + 10);
        const one = await store.getDelivery('b1', d1.id);
        assert.equal(one!.attempts[0]!.transformation_version, 3);
        const two = await store.getDelivery('b1', d2.id);
        assert.deepEqual([two!.status, two!.next_attempt_at, two!.attempts[0]!.transformation_version], ['cancelled', null, 1]);
        const page = await store.listDeliveries('b1', { status: 'cancelled' }, { limit: 10 });
        assert.deepEqual(page.data.map((d) => d.id), [d2.id]);
      });
    });
  }
});
