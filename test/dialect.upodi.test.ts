import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { verifyWebhook } from '../src/verify/index.js';
import { startDialectHarness } from './fixtures/dialectHarness.js';

/** The receiver side as docs/dialects.md describes it: blank the Signature value in the raw text, HMAC, compare. */
function checkUpodiSignature(secret: string, raw: string): boolean {
  const match = /"Signature":"([^"]*)"/.exec(raw)!;
  const unsigned = raw.replace(match[0], '"Signature":""');
  return match[1]!.split(' ').includes(createHmac('sha256', secret).update(unsigned).digest('base64'));
}

/** FILETIME digits for an ISO time, computed the long way round from 001's definition. */
function filetimeOf(iso: string): bigint {
  const epoch1601 = Date.UTC(1601, 0, 1);
  return BigInt(Date.parse(iso) - epoch1601) * 10_000n;
}

test('upodi: the 001 envelope, FILETIME Time written exactly, Data null for an id, one ID across retries', async (t) => {
  let calls = 0;
  const h = await startDialectHarness(t, (_req, res) => {
    calls++;
    res.statusCode = calls === 1 ? 500 : 200;
    res.end();
  });
  const wh = await h.createWebhook({ dialect: 'upodi', events: ['Customer.create', 'Subscription.hold', 'Invoice.paid'], retry_schedule: [0] });
  assert.deepEqual(wh.events, ['client/created', 'subscription/on_hold', 'invoice/paid']);

  const occurredAt = '2017-10-05T14:57:10.086Z';
  const customerId = '0ea627de-158e-48b1-bcbb-7fe6058d191c';
  const event = await h.publish('client/created', { id: customerId }, { occurred_at: occurredAt });
  await h.rx.waitFor(2);
  const [first, retry] = h.rx.received;

  for (const req of [first!, retry!]) {
    assert.ok(checkUpodiSignature(wh.secret, req.body), 'Signature checks out');
    assert.match(req.body, /^\{"ID":"[^"]+","Time":\d+,"Signature":"[^"]+","Action":"create","Issuer":\{"Url":"[^"]+","Identifier":"[^"]+"\},"Data":null,"Type":"Customer"\}$/);
    const digits = /"Time":(\d+)/.exec(req.body)![1]!;
    assert.equal(BigInt(digits), filetimeOf(occurredAt));
    assert.equal(digits, '131516890300860000');
    const body = JSON.parse(req.body);
    assert.match(body.ID, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual(body.Issuer, { Url: `/Customer/create/${customerId}`, Identifier: customerId });
  }
  assert.equal(JSON.parse(first!.body).ID, JSON.parse(retry!.body).ID, 'the ID is the event\'s, not the attempt\'s');

  const delivery = await h.deliveryOf(event.id, 'succeeded');
  assert.deepEqual(delivery.attempts.map((a) => a.status_code), [500, 200]);
  const verified = verifyWebhook('upodi', retry!.body, retry!.headers, wh.secret);
  assert.equal(verified.event, 'Customer.create');
  assert.equal(verified.id, JSON.parse(retry!.body).ID);
});

test('upodi: Data is the Upodi object translated from the canonical fields; Action and Type as 001 spells them', async (t) => {
  const h = await startDialectHarness(t);
  const wh = await h.createWebhook({ dialect: 'upodi', events: ['Subscription.hold', 'Invoice.paid'] });
  const sub = { id: 'c3b7e0f2-5d1a-4c4e-9f0b-2a6d8e1f7b90', status: 'on_hold', client_id: 48213, reason: 'customer request' };
  await h.publish('subscription/on_hold', sub);
  await h.publish('invoice/paid', { id: 42, amount_paid: 240 });
  await h.rx.waitFor(2);
  const bodies = h.rx.received.map((r) => JSON.parse(r.body));
  const hold = bodies.find((b) => b.Type === 'Subscription')!;
  assert.equal(hold.Action, 'hold');
  assert.deepEqual(hold.Data, { CustomerId: '48213', Status: 'on_hold' });
  assert.equal(hold.Issuer.Url, `/Subscription/hold/${sub.id}`);
  const paid = bodies.find((b) => b.Type === 'Invoice')!;
  assert.equal(paid.Action, 'paid');
  assert.equal(paid.Issuer.Identifier, '42');
  assert.deepEqual(paid.Data, { AmountPaid: 240 });
  for (const r of h.rx.received) assert.ok(checkUpodiSignature(wh.secret, r.body));
});

test('upodi: retry_schedule [] gives v1\'s fire-and-forget: one attempt, whatever the answer', async (t) => {
  const h = await startDialectHarness(t, (_req, res) => {
    res.statusCode = 500;
    res.end();
  });
  await h.createWebhook({ dialect: 'upodi', events: ['Transaction.create'], retry_schedule: [] });
  const event = await h.publish('transaction/created', { id: 'tr_1', status: 'declined' });
  const delivery = await h.deliveryOf(event.id, 'failed');
  assert.equal(delivery.attempt_count, 1);
  assert.equal(h.rx.received.length, 1);
});

test('upodi: an event without an id is delivered with Issuer.Identifier null, not refused (issue 11)', async (t) => {
  const h = await startDialectHarness(t);
  await h.createWebhook({ dialect: 'upodi', events: ['Invoice.paid'] });
  await h.publish('invoice/paid', { amount_paid: 1 });
  await h.rx.waitFor(1);
  const body = JSON.parse(h.rx.received[0]!.body);
  assert.deepEqual(body.Issuer, { Url: '/Invoice/paid', Identifier: null });
  assert.deepEqual(body.Data, { AmountPaid: 1 });
});
