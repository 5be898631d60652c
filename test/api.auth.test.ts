import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import type { ApiBusiness, ApiEventType, ApiIssuedToken, ApiListedWebhook, ApiOpenApi, ApiPage, ApiProblem, ApiWebhook } from './helpers/apiShapes.js';

let hl: TestInstance;
let tokenA: string;
let webhookB: string;

before(async () => {
  hl = await startTestHookline();
  await hl.api('POST', '/v1/businesses', { id: 'gym-a', name: 'Gym A' });
  await hl.api('POST', '/v1/businesses', { id: 'gym-b', name: 'Gym B' });
  tokenA = (await hl.api<ApiIssuedToken>('POST', '/v1/businesses/gym-a/tokens')).body.token;
  webhookB = (await hl.api<ApiWebhook>('POST', '/v1/businesses/gym-b/webhooks', { url: 'https://example.com/hook', events: ['*'] })).body.id;
});
after(() => hl.stop());

test('requests without a token, or with a wrong one, answer 401 problem+json', async () => {
  for (const token of [null, 'not-a-real-token-at-all']) {
    const r = await hl.api<ApiProblem>('GET', '/v1/businesses/gym-a/webhooks', undefined, token);
    assert.equal(r.status, 401);
    assert.match(r.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.equal(r.body.code, 'UNAUTHORIZED');
    assert.ok(r.body.detail.length > 10);
  }
});

test('a business token reaches its own business', async () => {
  const r = await hl.api<ApiPage<ApiListedWebhook>>('GET', '/v1/businesses/gym-a/webhooks', undefined, tokenA);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.data, []);
});

test("a business token reaching for another business's resources gets 404 on every route", async () => {
  const probes: [string, string, unknown?][] = [
    ['GET', '/v1/businesses/gym-b'],
    ['GET', '/v1/businesses/gym-b/webhooks'],
    ['POST', '/v1/businesses/gym-b/webhooks', { url: 'https://example.com/x', events: ['*'] }],
    ['GET', `/v1/businesses/gym-b/webhooks/${webhookB}`],
    ['PATCH', `/v1/businesses/gym-b/webhooks/${webhookB}`, { name: 'stolen' }],
    ['DELETE', `/v1/businesses/gym-b/webhooks/${webhookB}`],
    ['POST', `/v1/businesses/gym-b/webhooks/${webhookB}/rotate-secret`],
    ['POST', `/v1/businesses/gym-b/webhooks/${webhookB}/test`],
    ['POST', `/v1/businesses/gym-b/webhooks/${webhookB}/replay`, { since: '2020-01-01T00:00:00Z' }],
    ['POST', '/v1/businesses/gym-b/events', { type: 'client/created', data: {} }],
    ['POST', '/v1/businesses/gym-b/events/batch', { events: [{ type: 'client/created', data: {} }] }],
    ['GET', '/v1/businesses/gym-b/events/evt_x'],
    ['GET', '/v1/businesses/gym-b/deliveries'],
    ['GET', '/v1/businesses/gym-b/deliveries/dlv_x'],
    ['POST', '/v1/businesses/gym-b/deliveries/dlv_x/retry'],
    ['POST', '/v1/businesses/gym-b/tokens'],
  ];
  for (const [method, path, body] of probes) {
    const r = await hl.api(method, path, body, tokenA);
    assert.equal(r.status, 404, `${method} ${path} answered ${r.status}`);
  }
  // Nothing changed in gym-b.
  const wh = await hl.api<ApiWebhook>('GET', `/v1/businesses/gym-b/webhooks/${webhookB}`);
  assert.equal(wh.status, 200);
  assert.notEqual(wh.body.name, 'stolen');
});

test('a webhook id from another business is not found through ones own business', async () => {
  const r = await hl.api<ApiProblem>('GET', `/v1/businesses/gym-a/webhooks/${webhookB}`, undefined, tokenA);
  assert.equal(r.status, 404);
  assert.equal(r.body.code, 'WEBHOOK_NOT_FOUND');
});

test('admin-only routes refuse a business token', async () => {
  const r = await hl.api<ApiBusiness>('POST', '/v1/businesses', { id: 'x', name: 'X' }, tokenA);
  assert.equal(r.status, 403);
  const t = await hl.api<ApiIssuedToken>('POST', '/v1/businesses/gym-a/tokens', undefined, tokenA);
  assert.equal(t.status, 403);
});

test('an unknown business answers 404 to the admin token too', async () => {
  const r = await hl.api<ApiProblem>('GET', '/v1/businesses/nope/webhooks');
  assert.equal(r.status, 404);
  assert.equal(r.body.code, 'BUSINESS_NOT_FOUND');
});

test('healthz, metrics, the catalogue and the OpenAPI document need no token', async () => {
  assert.equal((await hl.api('GET', '/healthz', undefined, null)).status, 200);
  const m = await hl.api<string>('GET', '/metrics', undefined, null);
  assert.equal(m.status, 200);
  assert.match(m.body, /hookline_deliveries/);
  const types = await hl.api<ApiPage<ApiEventType>>('GET', '/v1/event-types', undefined, null);
  assert.equal(types.status, 200);
  assert.ok(types.body.data.some((t) => t.type === 'client/created'));
  const doc = await hl.api<ApiOpenApi>('GET', '/openapi.json', undefined, null);
  assert.equal(doc.status, 200);
  assert.ok(doc.body.paths['/v1/businesses/{b}/webhooks']);
  assert.equal((await hl.api('GET', '/docs/', undefined, null)).status, 200);
});
