import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { verifyWebhook } from '../src/verify/index.js';
import { startDialectHarness } from './fixtures/dialectHarness.js';
import type { ApiIssuedToken, ApiVcitaSubscribed, ApiWebhook } from './helpers/apiShapes.js';

test('vcita: a subscription made through the vcita API receives {entity_name, event_type, data}, signed', async (t) => {
  const h = await startDialectHarness(t);
  const token = (await h.hl.api<ApiIssuedToken>('POST', `/v1/businesses/${h.business}/tokens`)).body.token as string;
  const sub = await h.hl.api<ApiVcitaSubscribed>('POST', '/platform/v1/webhook/subscribe', { event: 'lead/created', target_url: `${h.rx.url}/vcita` }, token);
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  const id = sub.body.data.subscription_id;
  // The secret is read through Hookline's own API with the same staff token.
  const secret = (await h.hl.api<ApiWebhook>('GET', `/v1/businesses/${h.business}/webhooks/${id}`, undefined, token)).body.secret as string;

  const data = { id: 'cl_52e9d1', first_name: 'Lee', email: 'lee@example.com' };
  const event = await h.publish('client/created', data);
  await h.rx.waitFor(1);
  const req = h.rx.received[0]!;
  assert.equal(req.url, '/vcita');
  assert.deepEqual(JSON.parse(req.body), { entity_name: 'client', event_type: 'created', data });
  assert.equal(req.headers['x-vcita-event-id'], event.id);

  const header = String(req.headers['x-vcita-signature']);
  const [, t0, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header)!;
  assert.equal(v1, createHmac('sha256', secret).update(`${t0}.${req.body}`).digest('hex'));
  const verified = verifyWebhook('vcita', req.body, req.headers, secret);
  assert.equal(verified.event, 'client/created');
  assert.equal(verified.id, event.id);
});

test('vcita: events vcita spells create/update arrive under that spelling', async (t) => {
  const h = await startDialectHarness(t);
  await h.createWebhook({ dialect: 'vcita', events: ['voice_call/create', 'pivot/update'] });
  await h.publish('voice_call/created', { id: 'vc_1', direction: 'inbound' });
  await h.rx.waitFor(1);
  const body = JSON.parse(h.rx.received[0]!.body);
  assert.deepEqual([body.entity_name, body.event_type], ['voice_call', 'create']);
});
