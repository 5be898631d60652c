import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { verifyWebhook } from '../src/verify/index.js';
import { startDialectHarness } from './fixtures/dialectHarness.js';
import type { ApiWebhook } from './helpers/apiShapes.js';

test('standard: during a rotation the old and the new secret each verify, with standardwebhooks, svix and hookline/verify', async (t) => {
  const h = await startDialectHarness(t);
  const wh = await h.createWebhook({ events: ['client/*'] });
  const oldSecret = wh.secret;
  const rotated = await h.hl.api<ApiWebhook>('POST', `/v1/businesses/${h.business}/webhooks/${wh.id}/rotate-secret`, null);
  assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
  const newSecret = rotated.body.secret as string;
  assert.notEqual(newSecret, oldSecret);

  const data = { id: 42, first_name: 'Ada', email: 'ada@example.com' };
  const event = await h.publish('client/created', data);
  await h.rx.waitFor(1);
  const req = h.rx.received[0]!;
  const headers = req.headers as Record<string, string>;
  assert.equal(headers['webhook-id'], event.id);
  assert.equal(headers['webhook-signature']!.split(' ').length, 2, 'both secrets sign while the old one is valid');

  for (const secret of [oldSecret, newSecret]) {
    const viaStandard = new StandardWebhook(secret).verify(req.body, headers) as { id: string; type: string; data: unknown };
    assert.equal(viaStandard.id, event.id);
    assert.equal(viaStandard.type, 'client/created');
    assert.deepEqual(viaStandard.data, data);
    const viaSvix = new SvixWebhook(secret).verify(req.body, headers) as { id: string };
    assert.equal(viaSvix.id, event.id);
    const viaHookline = verifyWebhook('standard', req.body, headers, secret);
    assert.equal(viaHookline.id, event.id);
    assert.equal(viaHookline.event, 'client/created');
  }
  const stranger = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
  assert.throws(() => new StandardWebhook(stranger).verify(req.body, headers));
  assert.throws(() => new SvixWebhook(stranger).verify(req.body, headers));
});

test('standard: without a rotation one secret signs, and the body is {id, type, business, timestamp, data}', async (t) => {
  const h = await startDialectHarness(t);
  const wh = await h.createWebhook({ events: ['invoice/paid'] });
  const event = await h.publish('invoice/paid', { id: 'inv_1', amount_paid: 240 }, { occurred_at: '2025-04-14T06:58:12.123Z' });
  await h.rx.waitFor(1);
  const req = h.rx.received[0]!;
  assert.match(String(req.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]+=*$/);
  assert.ok(Math.abs(Number(req.headers['webhook-timestamp']) - Date.now() / 1000) < 30);
  assert.deepEqual(JSON.parse(req.body), {
    id: event.id,
    type: 'invoice/paid',
    business: h.business,
    timestamp: '2025-04-14T06:58:12.123Z',
    data: { id: 'inv_1', amount_paid: 240 },
  });
  new StandardWebhook(wh.secret).verify(req.body, req.headers as Record<string, string>);
});
