import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { startReceiver } from './helpers/receiver.js';
import type { ApiAccepted, ApiBatchAccepted, ApiDelivery, ApiEvent, ApiEventType, ApiPage, ApiProblem } from './helpers/apiShapes.js';

let hl: TestInstance;
let rx: Awaited<ReturnType<typeof startReceiver>>;
const events = '/v1/businesses/yoga/events';

before(async () => {
  hl = await startTestHookline();
  rx = await startReceiver();
  await hl.api('POST', '/v1/businesses', { id: 'yoga', name: 'Yoga' });
  await hl.api('POST', '/v1/businesses/yoga/webhooks', { url: rx.url, events: ['invoice/*'] });
});
after(async () => {
  await hl.stop();
  await rx.close();
});

test('publishing answers 202 with the event; reading it back gives the same event', async () => {
  const r = await hl.api<ApiAccepted>('POST', events, { type: 'invoice/paid', data: { id: 'inv-1', amount: 10 }, occurred_at: '2026-01-02T03:04:05.000Z' });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.type, 'invoice/paid');
  assert.equal(r.body.occurred_at, '2026-01-02T03:04:05.000Z');
  assert.equal(r.body.deliveries, 1);
  const back = await hl.api<ApiEvent>('GET', `${events}/${r.body.id}`);
  assert.equal(back.status, 200);
  assert.deepEqual(back.body.data, { id: 'inv-1', amount: 10 });
  assert.equal((await hl.api('GET', `${events}/evt_nope`)).status, 404);
});

test('a repeated event id is idempotent: one event, one set of deliveries', async () => {
  const body = { id: 'order-77-paid', type: 'invoice/paid', data: { id: 'inv-77' } };
  const first = await hl.api<ApiAccepted>('POST', events, body);
  const second = await hl.api<ApiAccepted>('POST', events, body);
  assert.equal(first.status, 202);
  assert.equal(second.status, 202);
  assert.equal(first.body.id, 'order-77-paid');
  assert.equal(second.body.id, 'order-77-paid');
  assert.equal(first.body.duplicate, false);
  assert.equal(second.body.duplicate, true);
  assert.equal(second.body.deliveries, 0);
  const log = await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/yoga/deliveries?event_id=order-77-paid`);
  assert.equal(log.body.data.length, 1);
});

test('a batch of events is stored whole, and one bad event rejects the batch with its pointer', async () => {
  const good = await hl.api<ApiBatchAccepted>('POST', `${events}/batch`, {
    events: Array.from({ length: 50 }, (_, i) => ({ type: 'invoice/created', data: { id: `b-${i}` } })),
  });
  assert.equal(good.status, 202, JSON.stringify(good.body));
  assert.equal(good.body.data.length, 50);
  // Each event's receipt, in the order sent, without the data the caller has just sent.
  const first = good.body.data[0]!;
  assert.deepEqual(Object.keys(first), ['id', 'business', 'type', 'occurred_at', 'created_at', 'deliveries', 'duplicate']);
  assert.equal(first.type, 'invoice/created');
  assert.equal(first.deliveries, 1);
  assert.equal(first.duplicate, false);
  assert.deepEqual((await hl.api<ApiEvent>('GET', `${events}/${good.body.data[49]!.id}`)).body.data, { id: 'b-49' });

  const bad = await hl.api<ApiProblem>('POST', `${events}/batch`, {
    events: [
      { id: 'batch-ok-1', type: 'invoice/created', data: { id: 'x' } },
      { type: 'client/created', data: { id: 1, email: 42 } },
    ],
  });
  assert.equal(bad.status, 422);
  assert.match(bad.body.detail, /\/events\/1\/data\/email/);
  assert.equal((await hl.api('GET', `${events}/batch-ok-1`)).status, 404, 'nothing of a rejected batch is stored');

  const tooMany = await hl.api<ApiProblem>('POST', `${events}/batch`, { events: Array.from({ length: 1001 }, () => ({ type: 'invoice/created', data: {} })) });
  assert.equal(tooMany.status, 400);
  assert.match(tooMany.body.detail, /1000/);
});

test('bad events answer 4xx with a detail that says what to fix', async () => {
  const unknown = await hl.api<ApiProblem>('POST', events, { type: 'client/exploded', data: {} });
  assert.equal(unknown.status, 422);
  assert.equal(unknown.body.code, 'UNKNOWN_EVENT_TYPE');
  assert.match(unknown.body.detail, /client\/exploded/);
  assert.match(unknown.body.detail, /event-types/);

  const schema = await hl.api<ApiProblem>('POST', events, { type: 'client/created', data: { id: 1, first_name: 7 } });
  assert.equal(schema.status, 422);
  assert.equal(schema.body.code, 'EVENT_DATA_INVALID');
  assert.match(schema.body.detail, /\/data\/first_name/);
  assert.ok(schema.body.errors?.some((e) => e.pointer === '/data/first_name'));

  const notObject = await hl.api<ApiAccepted>('POST', events, { type: 'client/created', data: [1, 2] });
  assert.equal(notObject.status, 422);

  const badTime = await hl.api<ApiProblem>('POST', events, { type: 'invoice/paid', data: {}, occurred_at: 'yesterday' });
  assert.equal(badTime.status, 422);
  assert.match(badTime.body.detail, /occurred_at/);

  const missing = await hl.api<ApiProblem>('POST', events, { data: {} });
  assert.equal(missing.status, 400);
  assert.match(missing.body.detail, /type/);
});

test('a body over the limit answers 413', async () => {
  const big = 'x'.repeat(1_200_000);
  const r = await hl.api<ApiProblem>('POST', events, { type: 'invoice/paid', data: { note: big } });
  assert.equal(r.status, 413);
  assert.equal(r.body.code, 'BODY_TOO_LARGE');
});

test('custom event types can be registered and then published', async () => {
  const reg = await hl.api('POST', '/v1/event-types', {
    type: 'class/waitlisted',
    description: 'A client joined the waitlist of a full class.',
    schema: { type: 'object', required: ['class_id'], properties: { class_id: { type: 'string' } } },
    example: { class_id: 'c-1' },
  });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  assert.equal((await hl.api('POST', events, { type: 'class/waitlisted', data: { class_id: 'c-9' } })).status, 202);
  assert.equal((await hl.api('POST', events, { type: 'class/waitlisted', data: {} })).status, 422);
  const list = await hl.api<ApiPage<ApiEventType>>('GET', '/v1/event-types');
  assert.ok(list.body.data.some((t) => t.type === 'class/waitlisted'));
});
