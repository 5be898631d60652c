import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { verifyWebhook } from '../src/verify/index.js';
import { startDialectHarness } from './fixtures/dialectHarness.js';
import { until } from './helpers/wait.js';
import type { ApiAccepted, ApiDelivery, ApiDeliveryDetail, ApiPage, ApiProblem, ApiWebhook } from './helpers/apiShapes.js';

/** What an Opus1 integrator's receiver does with what docs/dialects.md promises. */
function checkOpus1Signature(secret: string, body: string, header: string): boolean {
  return header.split(' ').includes(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
}

test('opus1: trigger names subscribe; the body is the flat resource plus "business"; the trigger is a header; the URL is untouched', async (t) => {
  const h = await startDialectHarness(t);
  const wh = await h.createWebhook({
    dialect: 'opus1',
    url: `${h.rx.url}/opus?trigger=client_create_trigger`,
    events: ['client_create_trigger', 'subscription_update_trigger'],
  });
  assert.deepEqual(wh.events, ['client/created', 'subscription/updated']);

  const client = {
    id: 48213,
    first_name: 'Maya',
    last_name: 'Okafor',
    email: 'maya@example.com',
    status: 'active',
    tags: ['intro-offer'],
    new_member_at: '2025-03-02T09:15:00Z',
    birthdate: '1991-07-19',
  };
  const event = await h.publish('client/created', client);
  const deleted = await h.publish('client/deleted', { id: 48213 });
  assert.equal(deleted.deliveries, 0, 'client/deleted has no Opus1 trigger, so the webhook is not subscribed to it');
  await h.publish('subscription/updated', { id: 90211, status: 'ended', client_id: 48213, ended_at: '2025-09-30T23:59:59Z' });
  await h.rx.waitFor(2);

  const first = h.rx.received.find((r) => r.headers['x-opus1-trigger'] === 'client_create_trigger');
  const second = h.rx.received.find((r) => r.headers['x-opus1-trigger'] === 'subscription_update_trigger');
  assert.equal(first!.url, '/opus?trigger=client_create_trigger');
  assert.equal(first!.headers['x-opus1-trigger'], 'client_create_trigger');
  assert.equal(first!.headers['x-opus1-event-id'], event.id);
  assert.deepEqual(JSON.parse(first!.body), { business: h.business, ...client });
  assert.ok(first!.body.startsWith('{"business":'), 'business comes first, as in 000');
  assert.ok(checkOpus1Signature(wh.secret, first!.body, String(first!.headers['x-opus1-signature'])));
  assert.equal(JSON.parse(second!.body).status, 'ended');

  const verified = verifyWebhook('opus1', first!.body, first!.headers, wh.secret);
  assert.equal(verified.id, event.id);
  assert.equal(verified.event, 'client_create_trigger');
});

test('opus1: a non-integer id fails only that delivery, at once and as unrepresentable naming the field; the publish and the other webhooks go on (issue 11)', async (t) => {
  const h = await startDialectHarness(t);
  await h.createWebhook({ dialect: 'opus1', events: ['client_create_trigger'] });
  const std = await h.createWebhook({ dialect: 'standard', events: ['client/created'] });
  const event = await h.publish('client/created', { id: '0ea627de-158e-48b1-bcbb-7fe6058d191c', first_name: 'Maya' });
  assert.equal(event.deliveries, 2);
  await h.rx.waitFor(1);
  const list = await until('both deliveries settled', async () => {
    const res = await h.hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${h.business}/deliveries?event_id=${event.id}`);
    const data = res.body.data as { id: string; webhook_id: string; status: string }[];
    return data.length === 2 && data.every((d) => d.status === 'succeeded' || d.status === 'failed') ? data : null;
  });
  assert.equal(list.find((d) => d.webhook_id === std.id)!.status, 'succeeded');
  const failed = (await h.hl.api<ApiDeliveryDetail>('GET', `/v1/businesses/${h.business}/deliveries/${list.find((d) => d.webhook_id !== std.id)!.id}`)).body;
  assert.equal(failed.status, 'failed');
  assert.equal(failed.attempt_count, 1, 'no retries: the value will not fit on any attempt');
  assert.equal(failed.attempts[0]!.error, 'unrepresentable');
  assert.equal(failed.attempts[0]!.status_code, null);
  assert.match(failed.attempts[0]!.response_body ?? '', /^data\/id: opus1 documents "id" as an integer/);
  assert.equal(h.rx.received.length, 1, 'the opus1 receiver never got the payload');
  // The request preview says the same, as a 422 naming the field.
  const preview = await h.hl.api<ApiProblem>('GET', `/v1/businesses/${h.business}/deliveries/${failed.id}/request`);
  assert.equal(preview.status, 422);
  assert.equal(preview.body.code, 'UNREPRESENTABLE_DATA');
  assert.match(preview.body.detail, /data\/id/);
  // Opus1's own schema types are the catalogue's: a date-time that is not one is refused too.
  const badDate = await h.hl.api<ApiAccepted>('POST', `/v1/businesses/${h.business}/events`, { type: 'client/created', data: { id: 1, new_member_at: 'yesterday' } });
  assert.equal(badDate.status, 422);
});

test('opus1: unrepresentable deliveries in a row leave the endpoint healthy, and its next representable event is delivered (issue 11)', async (t) => {
  const h = await startDialectHarness(t);
  const wh = await h.createWebhook({ dialect: 'opus1', events: ['client_create_trigger'] });
  const uuids: string[] = [];
  for (let i = 0; i < 6; i++) uuids.push((await h.publish('client/created', { id: `0ea627de-158e-48b1-bcbb-7fe6058d19${10 + i}` })).id);
  for (const id of uuids) assert.equal((await h.deliveryOf(id, 'failed')).attempts[0]!.error, 'unrepresentable');
  await h.publish('client/created', { id: 48213, first_name: 'Maya' });
  await h.rx.waitFor(1);
  assert.equal(JSON.parse(h.rx.received[0]!.body).id, 48213);
  const after = (await h.hl.api<ApiWebhook>('GET', `/v1/businesses/${h.business}/webhooks/${wh.id}`)).body;
  assert.equal(after.health.state, 'healthy');
  assert.equal(after.health.consecutive_failures, 0);
});
