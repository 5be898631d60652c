import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline } from './helpers/hookline.js';
import type { ApiAccepted, ApiDelivery, ApiEvent, ApiPage, ApiProblem, ApiWebhook } from './helpers/apiShapes.js';
import { newBusiness } from './helpers/businesses.js';
import { startReceiver } from './helpers/receiver.js';
import { createTestSchema, probePostgres, type TestDatabase } from './helpers/postgres.js';

/** Payload filters through the API (issue 16): saved, checked, applied at publish, dry-run. */

type Explanation = { pointer: string; holds: boolean; message: string; because?: Explanation[] };
type InlineResult = { matches: boolean; explanation: Explanation };
type LastResult = { matched: number; total: number; examples: ApiEvent[] };

const OVER_1000 = { 'data.amount_paid': { $gt: 1000 }, 'data.currency': 'USD' };

const pgReady = await probePostgres();

/** `database`: a schema of the test's own, dropped after the server that uses it has stopped. */
async function journey(t: TestContext, database?: TestDatabase): Promise<void> {
  const hl = await startTestHookline(database ? { databaseUrl: `${database.url}&pool_max=4` } : {});
  t.after(() => hl.stop());
  // After hooks run in the order they are added: the server stops before its schema is dropped,
  // or its last writes would retry against tables that are gone.
  if (database) t.after(() => database.drop());
  const rx = await startReceiver();
  t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  const hooks = `/v1/businesses/${b}/webhooks`;

  const created = await hl.api<ApiWebhook>('POST', hooks, { url: rx.url, events: ['invoice/paid'], filter: OVER_1000, retry_schedule: [] });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.deepEqual(created.body.filter, OVER_1000);
  assert.deepEqual((await hl.api<ApiWebhook>('GET', `${hooks}/${created.body.id}`)).body.filter, OVER_1000);
  assert.deepEqual((await hl.api<ApiPage<ApiWebhook>>('GET', hooks)).body.data[0]!.filter, OVER_1000);
  // A second webhook without a filter gets every invoice/paid: filters are per webhook.
  const open = await hl.api<ApiWebhook>('POST', hooks, { url: `${rx.url}/all`, events: ['invoice/paid'], retry_schedule: [] });
  assert.equal(open.body.filter, null);

  const publish = (id: string, amount: unknown, currency = 'USD') =>
    hl.api<ApiAccepted>('POST', `/v1/businesses/${b}/events`, { id, type: 'invoice/paid', data: { id, amount_paid: amount, currency } });
  const sent = [await publish('inv_small', 240), await publish('inv_big', 1500), await publish('inv_eur', 5000, 'EUR'), await publish('inv_text', '1500'), await publish('inv_huge', 25000)];
  assert.deepEqual(sent.map((r) => [r.status, r.body.deliveries]), [[202, 1], [202, 2], [202, 1], [202, 1], [202, 2]], 'deliveries per event: the filtered webhook only for those over 1000 in USD');

  await rx.waitFor(7);
  const filtered = rx.received.filter((r) => r.url === '/').map((r) => (JSON.parse(r.body) as { data: { id: string } }).data.id).sort();
  assert.deepEqual(filtered, ['inv_big', 'inv_huge'], 'only matching events reached the filtered webhook');
  const log = await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${b}/deliveries?webhook_id=${created.body.id}`);
  assert.deepEqual(log.body.data.map((d) => d.event_id).sort(), ['inv_big', 'inv_huge'], 'no delivery was even created for the others');

  // The dry run over the stored events judges them as publishing did.
  const last = await hl.api<LastResult>('POST', `${hooks}/filter-test`, { filter: OVER_1000, last: 10 });
  assert.equal(last.status, 200, JSON.stringify(last.body));
  assert.deepEqual([last.body.matched, last.body.total], [2, 5]);
  assert.deepEqual(last.body.examples.map((e) => e.id), ['inv_huge', 'inv_big'], 'newest first');
  assert.deepEqual(last.body.examples[0]!.data, { id: 'inv_huge', amount_paid: 25000, currency: 'USD' });
  const two = await hl.api<LastResult>('POST', `${hooks}/filter-test`, { filter: OVER_1000, last: 2 });
  assert.deepEqual([two.body.matched, two.body.total], [1, 2]);

  // Removing the filter: the next small invoice reaches both.
  const cleared = await hl.api<ApiWebhook>('PATCH', `${hooks}/${created.body.id}`, { filter: null });
  assert.equal(cleared.status, 200);
  assert.equal(cleared.body.filter, null);
  assert.equal((await publish('inv_after', 10)).body.deliveries, 2);
  await rx.waitFor(9);
  assert.ok(rx.received.some((r) => r.url === '/' && r.body.includes('inv_after')));
}

test('journey on SQLite: a webhook with a filter gets only the events that pass it; the dry run agrees; removing the filter sends everything again', async (t) => {
  await journey(t);
});

test('journey on PostgreSQL: the same', { skip: pgReady.available ? false : pgReady.reason }, async (t) => {
  await journey(t, await createTestSchema());
});

test('dry run on an inline event: matches, with the clause that decided', async (t) => {
  const hl = await startTestHookline();
  t.after(() => hl.stop());
  const b = await newBusiness(hl.api);
  const url = `/v1/businesses/${b}/webhooks/filter-test`;
  const tryIt = (filter: unknown, event: unknown) => hl.api<InlineResult>('POST', url, { filter, event });

  const no = await tryIt(OVER_1000, { type: 'invoice/paid', data: { amount_paid: 240, currency: 'USD' } });
  assert.equal(no.status, 200, JSON.stringify(no.body));
  assert.equal(no.body.matches, false);
  assert.deepEqual(no.body.explanation.because?.map((e) => [e.pointer, e.holds]), [['/data.amount_paid/$gt', false]], 'only the failing clause is given');
  assert.match(no.body.explanation.because![0]!.message, /data\.amount_paid is 240: \$gt 1000 does not hold/);

  const yes = await tryIt({ $or: [{ 'data.location_id': '2114' }, { business: b }] }, { type: 'class/updated', data: { id: '50318', location_id: '9' } });
  assert.equal(yes.body.matches, true);
  assert.deepEqual(yes.body.explanation.because?.map((e) => e.pointer), ['/$or/1/business'], 'the business defaults to the one in the path');

  const when = await tryIt({ occurred_at: { $lt: '2026-01-01' } }, { type: 'client/created', data: {}, occurred_at: '2025-06-01T00:00:00Z' });
  assert.equal(when.body.matches, true, 'occurred_at is ISO text, so string comparison orders times');

  const both = await hl.api<ApiProblem>('POST', url, { filter: OVER_1000, last: 5, event: { type: 'invoice/paid', data: {} } });
  assert.equal(both.status, 400);
  assert.match(both.body.detail, /either "event".*or "last"/);
});

test('a bad filter is refused at save with 422 INVALID_PAYLOAD_FILTER pointing at the bad part, and nothing changes', async (t) => {
  const hl = await startTestHookline();
  t.after(() => hl.stop());
  const b = await newBusiness(hl.api);
  const hooks = `/v1/businesses/${b}/webhooks`;
  const cases: [unknown, string, RegExp][] = [
    [{ 'data.amount': { $gt: [1000] } }, '/filter/data.amount/$gt', /compares with a number or a string, not an array/],
    [{ $or: [{ 'data.a': 1 }, { 'data.b': { $between: 1 } }] }, '/filter/$or/1/data.b/$between', /unknown operator "\$between"/],
    [{ amount: 5 }, '/filter/amount', /starts with data, type, business or occurred_at/],
    [{ 'data.items.$gt': 5 }, '/filter/data.items.$gt', /operators go in the condition/],
    [{ 'data.client': { id: 5 } }, '/filter/data.client', /\$eq/],
    [{}, '/filter', /empty filter/],
    [{ 'data.email': { $regex: '(a+)+$' } }, '/filter/data.email/$regex', /could stall publishing/],
    [{ 'data.email': { $regex: '.*@.*\\.com' } }, '/filter/data.email/$regex', /could stall publishing/],
    [{ 'data.email': { $regex: '[' } }, '/filter/data.email/$regex', /not a valid regular expression/],
    [{ 'data.x': { $exist: 'no' } }, '/filter/data.x/$exist', /true or false/],
  ];
  for (const [filter, pointer, detail] of cases) {
    const r = await hl.api<ApiProblem>('POST', hooks, { url: 'http://127.0.0.1:9/hook', events: ['invoice/paid'], filter });
    assert.equal(r.status, 422, JSON.stringify(filter));
    assert.equal(r.body.code, 'INVALID_PAYLOAD_FILTER');
    assert.equal(r.body.errors?.[0]?.pointer, pointer, JSON.stringify(filter));
    assert.match(r.body.detail, detail);
    assert.ok(r.body.detail.startsWith(`${pointer}: `), r.body.detail);
    const dry = await hl.api<ApiProblem>('POST', `${hooks}/filter-test`, { filter, last: 1 });
    assert.equal(dry.status, 422, `the dry run refuses it too: ${JSON.stringify(filter)}`);
  }
  const w = await hl.api<ApiWebhook>('POST', hooks, { url: 'http://127.0.0.1:9/hook', events: ['invoice/paid'], filter: OVER_1000 });
  const patch = await hl.api<ApiProblem>('PATCH', `${hooks}/${w.body.id}`, { filter: { 'data.amount_paid': { $gt: null } } });
  assert.equal(patch.status, 422);
  assert.deepEqual((await hl.api<ApiWebhook>('GET', `${hooks}/${w.body.id}`)).body.filter, OVER_1000, 'the stored filter is unchanged');
  assert.equal((await hl.api<ApiPage<ApiWebhook>>('GET', hooks)).body.data.length, 1, 'no refused webhook was stored');
});
