import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../src/store/Store.js';
import { WebhookMatcher } from '../src/publish/WebhookMatcher.js';
import { freshStore, storeFactories } from './helpers/stores.js';
import { T0, webhookOf } from './helpers/storeRows.js';

/**
 * The matcher's cache (issue 19): bounded, least recently used first out, and a webhook change
 * drops only its own business, on every store. Loads are counted by wrapping the real store.
 */

function counted(store: Store): { store: Store; loads: string[] } {
  const loads: string[] = [];
  const wrapped = new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'webhooksOfBusiness') return (b: string) => (loads.push(b), target.webhooksOfBusiness(b));
      const v = Reflect.get(target, key, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store: wrapped, loads };
}

async function businesses(store: Store, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `b${String(i).padStart(3, '0')}`);
  for (const id of ids) {
    await store.createBusiness({ id, name: id, created_at: T0 });
    await store.createWebhook(webhookOf(id, { events: ['invoice/paid'] }));
  }
  return ids;
}

describe('WebhookMatcher cache', { concurrency: true }, () => {
  for (const factory of storeFactories) {
    const fresh = freshStore(factory);
    describe(factory.name, { skip: factory.skip }, () => {
      test('holds at most its bound of businesses and drops the least recently used first', async (t) => {
        const { store: real } = await fresh(t);
        const ids = await businesses(real, 12);
        const { store, loads } = counted(real);
        const matcher = new WebhookMatcher(store, 10);
        await matcher.refresh();
        for (const b of ids.slice(0, 10)) assert.equal((await matcher.matching(b, 'invoice/paid')).length, 1);
        await matcher.matching(ids[0]!, 'invoice/paid'); // b000 is now the most recently used
        assert.equal(loads.length, 10, 'a cached business is not loaded again');
        await matcher.matching(ids[10]!, 'invoice/paid');
        await matcher.matching(ids[11]!, 'invoice/paid');
        assert.equal(matcher.size, 10, 'never more than the bound');
        loads.length = 0;
        await matcher.matching(ids[0]!, 'invoice/paid');
        assert.deepEqual(loads, [], 'the recently used one stayed');
        await matcher.matching(ids[1]!, 'invoice/paid');
        assert.deepEqual(loads, [ids[1]], 'the least recently used one went first');
      });

      test('a webhook change drops only its business, and the change is seen after the next refresh', async (t) => {
        const { store: real } = await fresh(t);
        const [a, b, c] = await businesses(real, 3);
        const { store, loads } = counted(real);
        const matcher = new WebhookMatcher(store, 100);
        await matcher.refresh();
        for (const id of [a, b, c]) await matcher.matching(id!, 'invoice/paid');
        const added = await real.createWebhook(webhookOf(b!, { events: ['*'] }));
        loads.length = 0;
        await matcher.refresh();
        for (const id of [a, b, c]) await matcher.matching(id!, 'invoice/paid');
        assert.deepEqual(loads, [b], 'only the changed business is loaded again');
        assert.ok((await matcher.matching(b!, 'invoice/paid')).some((w) => w.id === added.id), 'the new webhook matches');
        await real.updateWebhook(b!, added.id, { enabled: false }, T0 + 1);
        await matcher.refresh();
        assert.ok(!(await matcher.matching(b!, 'invoice/paid')).some((w) => w.id === added.id), 'a disabled webhook no longer matches');
        loads.length = 0;
        await matcher.refresh();
        await matcher.matching(a!, 'invoice/paid');
        await matcher.matching(b!, 'invoice/paid');
        assert.deepEqual(loads, [], 'no change since: nothing dropped');
      });

      test('a change made through another connection (another process) drops only its business here', async (t) => {
        const ts = await fresh(t);
        const [a, b] = await businesses(ts.store, 2);
        const { store, loads } = counted(ts.store);
        const matcher = new WebhookMatcher(store, 100);
        await matcher.refresh();
        for (const id of [a, b]) await matcher.matching(id!, 'invoice/paid');
        const other = await ts.openAnother();
        const added = await other.createWebhook(webhookOf(a!, { events: ['invoice/paid'] }));
        loads.length = 0;
        await matcher.refresh();
        assert.ok((await matcher.matching(a!, 'invoice/paid')).some((w) => w.id === added.id), 'the other process\'s webhook matches');
        await matcher.matching(b!, 'invoice/paid');
        assert.deepEqual(loads, [a], 'only the business changed elsewhere was read again');
      });

      test('a load that started before a change is used once, not kept', async (t) => {
        const { store: real } = await fresh(t);
        const [a] = await businesses(real, 1);
        const matcher = new WebhookMatcher(real, 100);
        await matcher.refresh();
        // On a store with asynchronous reads (its thread, PostgreSQL) this load is still in flight when the change is refreshed.
        const pending = matcher.matching(a!, 'invoice/paid');
        const added = await real.createWebhook(webhookOf(a!, { events: ['invoice/paid'] }));
        await matcher.refresh();
        await pending;
        assert.ok((await matcher.matching(a!, 'invoice/paid')).some((w) => w.id === added.id), 'the change is seen');
      });
    });
  }
});
