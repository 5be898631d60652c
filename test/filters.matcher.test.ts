import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebhookMatcher } from '../src/publish/WebhookMatcher.js';
import { filterSubject } from '../src/publish/Publisher.js';
import { freshStore, storeFactories } from './helpers/stores.js';
import { T0, webhookOf } from './helpers/storeRows.js';

/** The matcher's side of payload filters (issue 16), on a real SQLite store. */

const sqlite = freshStore(storeFactories.find((f) => f.kind === 'sqlite')!);
const invoice = (amount: number) => () => filterSubject({ type: 'invoice/paid', business_id: 'b1', occurred_at: T0 }, { id: 'inv', amount_paid: amount, currency: 'USD' });

test('matching: the filter is applied after the type, a change of filter is seen after refresh, and a stored filter that no longer parses sends everything', async (t) => {
  const { store } = await sqlite(t);
  await store.createBusiness({ id: 'b1', name: 'b1', created_at: T0 });
  const big = await store.createWebhook(webhookOf('b1', { events: ['invoice/paid'], filter: { 'data.amount_paid': { $gt: 1000 } } }));
  const plain = await store.createWebhook(webhookOf('b1', { events: ['invoice/paid'] }));
  // Written past the service, as a newer Hookline with another operator would have stored it.
  const future = await store.createWebhook(webhookOf('b1', { events: ['invoice/paid'], filter: { 'data.amount_paid': { $between: [1, 2] } } }));
  const other = await store.createWebhook(webhookOf('b1', { events: ['client/created'], filter: { 'data.amount_paid': { $gt: 0 } } }));

  const matcher = new WebhookMatcher(store, 100);
  const ids = async (amount: number) => {
    await matcher.refresh();
    return (await matcher.matching('b1', 'invoice/paid', invoice(amount))).map((w) => w.id).sort();
  };
  assert.deepEqual(await ids(1500), [big.id, plain.id, future.id].sort());
  assert.deepEqual(await ids(240), [plain.id, future.id].sort());
  assert.ok(!(await ids(1500)).includes(other.id), 'a filter never adds a type the webhook did not ask for');

  await store.updateWebhook('b1', big.id, { filter: { 'data.amount_paid': { $lt: 1000 } } }, T0 + 1);
  assert.deepEqual(await ids(240), [big.id, plain.id, future.id].sort(), 'the new filter is used once the webhooks version moved');

  let built = 0;
  await matcher.refresh();
  await matcher.matching('b1', 'client/created', () => (built++, invoice(1)()));
  await store.updateWebhook('b1', other.id, { filter: null }, T0 + 2);
  await matcher.refresh();
  await matcher.matching('b1', 'client/created', () => (built++, invoice(1)()));
  assert.equal(built, 1, "the event's view is built only while a wanted webhook has a filter");
});
