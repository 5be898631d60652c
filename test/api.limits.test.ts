import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline } from './helpers/hookline.js';
import { defaults, loadConfig } from '../src/config.js';
import type { ApiListedWebhook, ApiPage, ApiProblem, ApiVcitaError, ApiWebhook } from './helpers/apiShapes.js';

/**
 * Issue 12 §1, the bounds on what one business may ask for: `max_in_flight`, `timeout_ms` and
 * webhooks per business, each with a documented default and a 422 past it that names the
 * field, the limit and the setting.
 */

test('issue 12: the tenant bounds have documented defaults and refuse values outside their ranges', () => {
  assert.equal(defaults.maxWebhooksPerBusiness, 250);
  assert.equal(defaults.maxWebhookInFlight, 100);
  assert.equal(defaults.maxWebhookTimeoutMs, 30_000);
  const config = loadConfig({ HOOKLINE_MAX_WEBHOOKS_PER_BUSINESS: '7', HOOKLINE_MAX_WEBHOOK_IN_FLIGHT: '50', HOOKLINE_MAX_WEBHOOK_TIMEOUT_MS: '10000' });
  assert.deepEqual([config.maxWebhooksPerBusiness, config.maxWebhookInFlight, config.maxWebhookTimeoutMs], [7, 50, 10_000]);
  // Below the defaults a webhook gets when it asks for nothing (10 in flight, 5 s), or above the schema's own range.
  assert.throws(() => loadConfig({ HOOKLINE_MAX_WEBHOOK_IN_FLIGHT: '5' }), /HOOKLINE_MAX_WEBHOOK_IN_FLIGHT="5" is not valid: expected an integer from 10 to 1000/);
  assert.throws(() => loadConfig({ HOOKLINE_MAX_WEBHOOK_TIMEOUT_MS: '60001' }), /HOOKLINE_MAX_WEBHOOK_TIMEOUT_MS/);
  assert.throws(() => loadConfig({ HOOKLINE_MAX_WEBHOOKS_PER_BUSINESS: '0' }), /HOOKLINE_MAX_WEBHOOKS_PER_BUSINESS/);
});

test('issue 12 journey: max_in_flight, timeout_ms and the webhook count are held on create, PATCH and vcita subscribe', async (t) => {
  const hl = await startTestHookline({ maxWebhooksPerBusiness: 3, maxWebhookInFlight: 20, maxWebhookTimeoutMs: 10_000 });
  t.after(() => hl.stop());
  await hl.api('POST', '/v1/businesses', { id: 'gym', name: 'Gym' });
  await hl.api('POST', '/v1/businesses', { id: 'spa', name: 'Spa' });
  const base = '/v1/businesses/gym/webhooks';
  const hook = { url: 'https://gym.example.com/h', events: ['*'] };

  const tooMany = await hl.api<ApiProblem>('POST', base, { ...hook, max_in_flight: 21 });
  assert.equal(tooMany.status, 422, JSON.stringify(tooMany.body));
  assert.equal(tooMany.body.code, 'LIMIT_EXCEEDED');
  assert.match(tooMany.body.detail, /^max_in_flight: 21 .*at most 20 .*HOOKLINE_MAX_WEBHOOK_IN_FLIGHT/);
  const tooSlow = await hl.api<ApiProblem>('POST', base, { ...hook, timeout_ms: 10_001 });
  assert.equal(tooSlow.status, 422);
  assert.match(tooSlow.body.detail, /^timeout_ms: 10001 .*at most 10000 ms.*HOOKLINE_MAX_WEBHOOK_TIMEOUT_MS/);
  assert.equal(tooSlow.body.errors?.[0]?.pointer, '/body/timeout_ms', 'the dashboard places the message beside the field');
  // Past the schema's absolute range it is still the schema's 400.
  assert.equal((await hl.api('POST', base, { ...hook, max_in_flight: 5000 })).status, 400);

  const first = await hl.api<ApiWebhook>('POST', base, { ...hook, max_in_flight: 20, timeout_ms: 10_000 });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const patched = await hl.api<ApiProblem>('PATCH', `${base}/${first.body.id}`, { max_in_flight: 21 });
  assert.equal(patched.status, 422);
  assert.equal(patched.body.code, 'LIMIT_EXCEEDED');
  assert.equal((await hl.api<ApiWebhook>('PATCH', `${base}/${first.body.id}`, { timeout_ms: 60_000 })).status, 422);
  assert.equal((await hl.api<ApiWebhook>('PATCH', `${base}/${first.body.id}`, { name: 'still fine' })).status, 200);
  const unchanged = await hl.api<ApiWebhook>('GET', `${base}/${first.body.id}`);
  assert.equal(unchanged.body.max_in_flight, 20);
  assert.equal(unchanged.body.timeout_ms, 10_000);

  // The count: two more reach the limit of 3; vcita subscriptions count too.
  assert.equal((await hl.api('POST', base, hook)).status, 201);
  const viaVcita = await hl.api('POST', '/platform/v1/webhook/subscribe', { event: 'client/created', target_url: 'https://gym.example.com/v', business: 'gym' });
  assert.equal(viaVcita.status, 201, JSON.stringify(viaVcita.body));
  const fourth = await hl.api<ApiProblem>('POST', base, hook);
  assert.equal(fourth.status, 422, JSON.stringify(fourth.body));
  assert.equal(fourth.body.code, 'LIMIT_EXCEEDED');
  assert.match(fourth.body.detail, /has 3 webhooks, the most this server allows \(3; .*HOOKLINE_MAX_WEBHOOKS_PER_BUSINESS\)/);
  const vcitaRefused = await hl.api<ApiVcitaError>('POST', '/platform/v1/webhook/subscribe', { event: 'client/updated', target_url: 'https://gym.example.com/v', business: 'gym' });
  assert.equal(vcitaRefused.status, 422);
  assert.deepEqual(Object.keys(vcitaRefused.body), ['status', 'error'], 'vcita\'s own error shape');
  assert.equal(vcitaRefused.body.status, 'Error');
  assert.match(vcitaRefused.body.error, /3 webhooks/);

  // One business's count is its own; deleting makes room again.
  assert.equal((await hl.api('POST', '/v1/businesses/spa/webhooks', hook)).status, 201);
  assert.equal((await hl.api('DELETE', `${base}/${first.body.id}`)).status, 204);
  assert.equal((await hl.api('POST', base, hook)).status, 201);
  const list = await hl.api<ApiPage<ApiListedWebhook>>('GET', base);
  assert.equal(list.status, 200);
  assert.equal(list.body.data.length, 3);
});
