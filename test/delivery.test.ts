import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { startReceiver } from './helpers/receiver.js';
import { startTestHookline } from './helpers/hookline.js';
import { until } from './helpers/wait.js';
import type { ApiAccepted, ApiDelivery, ApiDeliveryDetail, ApiPage, ApiWebhook } from './helpers/apiShapes.js';

test('a published event reaches the subscribed receiver, signed so that standardwebhooks verifies it', async (t) => {
  const hl = await startTestHookline();
  t.after(() => hl.stop());
  const rx = await startReceiver();
  t.after(() => rx.close());

  assert.equal((await hl.api('POST', '/v1/businesses', { id: 'studio-1', name: 'Studio One' })).status, 201);
  const wh = await hl.api<ApiWebhook>('POST', '/v1/businesses/studio-1/webhooks', { url: rx.url + '/hook', events: ['client/*'], name: 'CRM sync' });
  assert.equal(wh.status, 201, JSON.stringify(wh.body));
  assert.match(wh.body.secret, /^whsec_/);
  assert.equal(wh.body.dialect, 'standard');
  assert.equal(wh.body.timeout_ms, 5000);

  const pub = await hl.api<ApiAccepted>('POST', '/v1/businesses/studio-1/events', { type: 'client/created', data: { id: 42, first_name: 'Ada', email: 'ada@example.com' } });
  assert.equal(pub.status, 202, JSON.stringify(pub.body));
  assert.match(pub.body.id, /^evt_/);

  await rx.waitFor(1);
  const req = rx.received[0]!;
  assert.equal(req.method, 'POST');
  assert.equal(req.url, '/hook');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.match(String(req.headers['user-agent']), /^Hookline\/\d+\.\d+\.\d+/);
  const verified = new StandardWebhook(wh.body.secret).verify(req.body, req.headers as Record<string, string>) as { id: string; type: string; business: string; data: unknown };
  assert.equal(verified.id, pub.body.id);
  assert.equal(verified.type, 'client/created');
  assert.equal(verified.business, 'studio-1');
  assert.deepEqual(verified.data, { id: 42, first_name: 'Ada', email: 'ada@example.com' });

  const log = await until('the delivery succeeded', async () => {
    const r = await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/studio-1/deliveries?event_id=${pub.body.id}`);
    return r.body.data[0]?.status === 'succeeded' ? r.body : null;
  });
  const one = await hl.api<ApiDeliveryDetail>('GET', `/v1/businesses/studio-1/deliveries/${log.data[0]!.id}`);
  assert.equal(one.body.attempt_count, 1);
  assert.equal(one.body.attempts[0]!.status_code, 200);
  assert.equal(one.body.attempts[0]!.response_body, 'ok');
});
