import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type ApiResponse } from './helpers/hookline.js';
import type { ApiDelivery, ApiPage, ApiProblem, ApiWebhook } from './helpers/apiShapes.js';
import { startReceiver } from './helpers/receiver.js';
import { createTestSchema, probePostgres, type TestDatabase } from './helpers/postgres.js';
import { until } from './helpers/wait.js';

/**
 * Issue 13 §2 through the API, on each database: the delivery log's filters and cursor paging,
 * the status a retry and a replay give, and a webhook patch, now written once for both stores.
 */

const pgReady = await probePostgres();

interface Delivery { id: string; status: string; attempt_count: number; event_type: string; webhook_id: string }

/** `database`: a schema of the test's own, dropped after the server that uses it has stopped. */
async function journey(t: TestContext, database?: TestDatabase): Promise<void> {
  const hl = await startTestHookline(database ? { databaseUrl: `${database.url}&pool_max=4` } : {});
  t.after(() => hl.stop());
  // After hooks run in the order they are added: the server stops before its schema is dropped,
  // or its last writes would retry against tables that are gone.
  if (database) t.after(() => database.drop());
  const rx = await startReceiver((_req, res) => {
    res.statusCode = 500;
    res.end('down');
  });
  t.after(() => rx.close());
  const api = hl.api;
  const log = '/v1/businesses/vocab/deliveries';

  assert.equal((await api('POST', '/v1/businesses', { id: 'vocab', name: 'Vocabulary' })).status, 201);
  const created = await api('POST', '/v1/businesses/vocab/webhooks', { url: rx.url, events: ['*'], retry_schedule: [] });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const webhook = created.body as { id: string; created_at: string; updated_at: string };

  for (let i = 0; i < 3; i++) assert.equal((await api('POST', '/v1/businesses/vocab/events', { type: 'invoice/paid', data: { id: `inv-${i}` } })).status, 202);
  for (let i = 0; i < 2; i++) assert.equal((await api('POST', '/v1/businesses/vocab/events', { type: 'client/created', data: { id: `cl-${i}` } })).status, 202);

  // One attempt each (an empty schedule), answered 500: every delivery ends failed.
  const all = await until('five failed deliveries', async () => {
    const r = await api<ApiPage<Delivery>>('GET', `${log}?status=failed`);
    return r.body.data.length === 5 ? r.body.data : null;
  });
  assert.deepEqual(all.map((d) => d.id), all.map((d) => d.id).sort().reverse(), 'newest first');

  // Pages of two, following the cursor, are the same list.
  const paged: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: ApiResponse<ApiPage<Delivery>> = await api<ApiPage<Delivery>>('GET', `${log}?status=failed&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(page.status, 200);
    assert.ok(page.body.data.length <= 2);
    paged.push(...page.body.data.map((d) => d.id));
    cursor = page.body.next_cursor ?? null;
    pages++;
  } while (cursor);
  assert.equal(pages, 3);
  assert.deepEqual(paged, all.map((d) => d.id));

  const invoices = (await api<ApiPage<Delivery>>('GET', `${log}?event_type=invoice/paid&webhook_id=${webhook.id}`)).body.data;
  assert.deepEqual(invoices.map((d) => d.event_type), ['invoice/paid', 'invoice/paid', 'invoice/paid']);
  assert.deepEqual((await api<ApiPage<Delivery>>('GET', `${log}?status=succeeded`)).body.data, []);
  assert.equal((await api<ApiProblem>('GET', `${log}?cursor=not-one-of-ours!`)).body.code, 'INVALID_CURSOR');

  // A replay reopens every failed delivery: 'retrying', since each has had an attempt, unless
  // the dispatcher has already tried it again.
  const replay = await api<{ replayed: number }>('POST', `/v1/businesses/vocab/webhooks/${webhook.id}/replay`, { since: '2000-01-01T00:00:00.000Z' });
  assert.equal(replay.status, 202);
  assert.equal(replay.body.replayed, 5);
  for (const d of (await api<ApiPage<Delivery>>('GET', log)).body.data) {
    assert.ok(d.status === 'retrying' || d.attempt_count > 1, `${d.id} was reopened: ${d.status} after ${d.attempt_count} attempts`);
  }
  // So does a retry of one: the store reopens it, or it is in flight and still 'retrying'.
  const retried = await api<ApiDelivery>('POST', `${log}/${all[0]!.id}/retry`);
  assert.equal(retried.status, 202);
  assert.equal(retried.body.status, 'retrying');

  // A patch changes what it names; what identifies the webhook is not a field it takes.
  const renamed = await api<ApiWebhook>('PATCH', `/v1/businesses/vocab/webhooks/${webhook.id}`, { name: 'Renamed' });
  assert.equal(renamed.status, 200);
  assert.equal(renamed.body.id, webhook.id);
  assert.equal(renamed.body.name, 'Renamed');
  assert.equal(renamed.body.created_at, webhook.created_at);
  assert.equal((await api('PATCH', `/v1/businesses/vocab/webhooks/${webhook.id}`, { id: 'wh_other' })).status, 400);
  assert.equal((await api<ApiWebhook>('GET', `/v1/businesses/vocab/webhooks/${webhook.id}`)).body.name, 'Renamed');
}

test('issue 13 journey on SQLite: delivery log filters and pages, retry and replay reopen, a patch keeps the webhook\'s identity', async (t) => {
  await journey(t);
});

test('issue 13 journey on PostgreSQL: the same', { skip: pgReady.available ? false : pgReady.reason }, async (t) => {
  await journey(t, await createTestSchema());
});
