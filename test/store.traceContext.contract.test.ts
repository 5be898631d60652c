import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PublishItem } from '../src/store/Store.js';
import { newEventId } from '../src/ids.js';
import { storeFactories, freshStore } from './helpers/stores.js';
import { T0, due, webhookOf } from './helpers/storeRows.js';

/**
 * Issue 18, migration 0015: an event keeps the trace context its attempts continue, in both
 * stores, and every way a delivery is claimed hands it back with the event, because the attempt
 * may be made by another process or after a restart.
 */

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function item(webhookId: string, trace: { traceparent: string; tracestate: string | null } | null): PublishItem {
  const event = { id: newEventId(), business_id: 'b1', type: 'client/created', data: '{}', occurred_at: T0, created_at: T0, ...(trace ?? {}) };
  return { event, deliveries: [due(webhookId, T0)] };
}

describe('Store contract: trace context of events (issue 18)', { concurrency: true }, () => {
  for (const factory of storeFactories) {
    describe(factory.name, { skip: factory.skip, concurrency: 4 }, () => {
      const fresh = freshStore(factory);

      test('publish stores traceparent and tracestate beside events without them, in one batch; claims return them', async (t) => {
        const { store } = await fresh(t);
        await store.createBusiness({ id: 'b1', name: 'One', created_at: T0 });
        const w = await store.createWebhook(webhookOf('b1'));
        const traced = item(w.id, { traceparent: TRACEPARENT, tracestate: 'vendor=abc' });
        const stateless = item(w.id, { traceparent: TRACEPARENT, tracestate: null });
        const plain = item(w.id, null);
        const results = await store.publish([plain, traced, stateless]);
        assert.deepEqual(results.map((r) => r.created), [true, true, true]);

        const claimed = await store.claimDue({ owner: 'p1', now: T0, leaseUntil: T0 + 60_000, limit: 10, excludeWebhooks: [] });
        const byEvent = new Map(claimed.map((c) => [c.event.id, c.event]));
        assert.equal(byEvent.get(traced.event.id)?.traceparent, TRACEPARENT);
        assert.equal(byEvent.get(traced.event.id)?.tracestate, 'vendor=abc');
        assert.equal(byEvent.get(stateless.event.id)?.traceparent, TRACEPARENT);
        assert.equal(byEvent.get(stateless.event.id)?.tracestate ?? null, null);
        assert.equal(byEvent.get(plain.event.id)?.traceparent ?? null, null);

        // A fifo webhook's lane claims through its own statement.
        const fifo = await store.createWebhook(webhookOf('b1', { ordering: 'fifo' }));
        const inOrder = item(fifo.id, { traceparent: TRACEPARENT, tracestate: 'a=1' });
        await store.publish([inOrder]);
        const lane = await store.claimOrdered({ owner: 'p1', webhookId: fifo.id, now: T0, leaseUntil: T0 + 60_000, limit: 10 });
        assert.equal(lane.items[0]?.event.traceparent, TRACEPARENT);
        assert.equal(lane.items[0]?.event.tracestate, 'a=1');
      });

      test('a repeated event id keeps the first publish\'s trace context', async (t) => {
        const { store } = await fresh(t);
        await store.createBusiness({ id: 'b1', name: 'One', created_at: T0 });
        const w = await store.createWebhook(webhookOf('b1'));
        const first = item(w.id, { traceparent: TRACEPARENT, tracestate: null });
        await store.publish([first]);
        const again = { ...item(w.id, { traceparent: '00-11111111111111111111111111111111-2222222222222222-01', tracestate: null }) };
        again.event.id = first.event.id;
        const [r] = await store.publish([again]);
        assert.equal(r!.created, false);
        const [claimed] = await store.claimDue({ owner: 'p1', now: T0, leaseUntil: T0 + 60_000, limit: 10, excludeWebhooks: [] });
        assert.equal(claimed!.event.traceparent, TRACEPARENT);
      });
    });
  }
});
