import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { startReceiver } from './helpers/receiver.js';
import { until } from './helpers/wait.js';
import { parseServerTiming } from '../src/api/serverTiming.js';
import type { ApiDeliveryDetail, ApiIssuedToken, ApiOpenApi, ApiOverview, ApiProblem, ApiRenderedRequest, ApiTestEvent, ApiWebhook } from './helpers/apiShapes.js';

/** The API routes the dashboard adds: the rendered request, whoami, overview, previews, and the UI itself. */

let hl: TestInstance;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const b = '/v1/businesses/studio';

before(async () => {
  hl = await startTestHookline();
  receiver = await startReceiver();
  await hl.api('POST', '/v1/businesses', { id: 'studio', name: 'Studio' });
  await hl.api('POST', '/v1/businesses', { id: 'other', name: 'Other' });
});
after(async () => {
  await receiver.close();
  await hl.stop();
});

async function deliveredTest(body: Record<string, unknown>) {
  const w = await hl.api<ApiWebhook>('POST', `${b}/webhooks`, { url: `${receiver.url}/hooks`, events: ['client/*'], ...body });
  assert.equal(w.status, 201, JSON.stringify(w.body));
  const sent = receiver.received.length;
  const t = await hl.api<ApiTestEvent>('POST', `${b}/webhooks/${w.body.id}/test`);
  await receiver.waitFor(sent + 1);
  await until('the attempt is recorded', async () => (await hl.api<ApiDeliveryDetail>('GET', `${b}/deliveries/${t.body.delivery.id}`)).body.attempts.length === 1);
  return { webhook: w.body, deliveryId: t.body.delivery.id as string, received: receiver.received[sent]! };
}

test('every answer carries Server-Timing with the server-side duration', async () => {
  const r = await hl.api('GET', '/healthz');
  const ms = parseServerTiming(r.headers.get('server-timing'));
  assert.ok(ms !== null && ms >= 0 && ms < 1000, `server-timing: ${r.headers.get('server-timing')}`);
  const problem = await hl.api('GET', '/v1/nothing-here');
  assert.ok(parseServerTiming(problem.headers.get('server-timing')) !== null, 'errors are timed too');
});

test('GET …/deliveries/{id}/request renders what was sent, with the signature and custom header values masked', async () => {
  const { webhook, deliveryId, received } = await deliveredTest({ headers: { Authorization: 'Bearer receiver-credential' } });
  const r = await hl.api<ApiRenderedRequest>('GET', `${b}/deliveries/${deliveryId}/request`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const headers = Object.fromEntries(r.body.headers.map((h: { name: string; value: string }) => [h.name.toLowerCase(), h.value]));
  assert.equal(r.body.body, received.body, 'the body is exactly what the receiver got');
  assert.equal(headers['webhook-id'], received.headers['webhook-id']);
  assert.equal(headers['webhook-timestamp'], received.headers['webhook-timestamp'], "rendered for the attempt's own time");
  assert.equal(headers['webhook-signature'], 'v1,••••');
  assert.equal(headers.authorization, '••••');
  assert.equal(headers['user-agent'], received.headers['user-agent']);
  const text = JSON.stringify(r.body);
  assert.ok(!text.includes('receiver-credential'));
  assert.ok(!text.includes(String(received.headers['webhook-signature']).slice(3, 20)), 'no part of the real signature');
  assert.ok(!text.includes(webhook.secret.slice(6, 20)), 'no part of the secret');
  assert.equal(r.body.attempt_number, 1);
});

test('signatures inside the body (upodi) and in t=…,v1=… headers (hapana) are masked too', async () => {
  const upodi = await deliveredTest({ dialect: 'upodi', events: ['client/created'] });
  const u = await hl.api<ApiRenderedRequest>('GET', `${b}/deliveries/${upodi.deliveryId}/request`);
  assert.equal(u.body.body_masked, true);
  assert.match(u.body.body, /"Signature":"••••=?","Action"/);
  assert.equal(u.body.body.replace(/"Signature":"[^"]*"/, ''), upodi.received.body.replace(/"Signature":"[^"]*"/, ''));

  const hapana = await deliveredTest({ dialect: 'hapana', events: ['client/created'] });
  const h = await hl.api<ApiRenderedRequest>('GET', `${b}/deliveries/${hapana.deliveryId}/request`);
  const sig = h.body.headers.find((x: { name: string }) => x.name === 'X-Hapana-Signature');
  assert.match(sig!.value, /^t=\d+,v1=••••$/);
  assert.equal(sig!.value.split(',')[0], String(hapana.received.headers['x-hapana-signature']).split(',')[0]);
});

test('…/request names what is missing: an unknown attempt, another business, a deleted webhook', async () => {
  const { webhook, deliveryId } = await deliveredTest({});
  const noAttempt = await hl.api<ApiProblem>('GET', `${b}/deliveries/${deliveryId}/request?attempt=7`);
  assert.equal(noAttempt.status, 404);
  assert.match(noAttempt.body.detail, /no attempt 7; it has 1/);
  assert.equal((await hl.api('GET', `/v1/businesses/other/deliveries/${deliveryId}/request`)).status, 404);
  await hl.api('DELETE', `${b}/webhooks/${webhook.id}`);
  const gone = await hl.api<ApiProblem>('GET', `${b}/deliveries/${deliveryId}/request`);
  assert.equal(gone.status, 404);
  assert.match(gone.body.detail, /deleted/);
});

test('retry_schedule: null keeps the default schedule (it was coerced to [0] before)', async () => {
  const w = await hl.api<ApiWebhook>('POST', `${b}/webhooks`, { url: `${receiver.url}/x`, events: ['client/*'], retry_schedule: null, rate_limit: null });
  assert.equal(w.status, 201);
  assert.equal(w.body.retry_schedule, null);
  assert.equal(w.body.rate_limit, null);
  const set = await hl.api<ApiWebhook>('PATCH', `${b}/webhooks/${w.body.id}`, { retry_schedule: [] });
  assert.deepEqual(set.body.retry_schedule, []);
  const back = await hl.api<ApiWebhook>('PATCH', `${b}/webhooks/${w.body.id}`, { retry_schedule: null });
  assert.equal(back.body.retry_schedule, null);
});

test('GET /v1/whoami tells the dashboard which kind of token it holds', async () => {
  assert.deepEqual((await hl.api('GET', '/v1/whoami')).body, { kind: 'admin', business: null });
  const token = (await hl.api<ApiIssuedToken>('POST', `${b}/tokens`)).body.token;
  assert.deepEqual((await hl.api('GET', '/v1/whoami', undefined, token)).body, { kind: 'business', business: { id: 'studio', name: 'Studio' } });
  assert.equal((await hl.api('GET', '/v1/whoami', undefined, null)).status, 401);
});

test('GET /v1/overview is for the admin, and counts the log by status', async () => {
  const token = (await hl.api<ApiIssuedToken>('POST', `${b}/tokens`)).body.token;
  assert.equal((await hl.api('GET', '/v1/overview', undefined, token)).status, 403);
  let o = await hl.api<ApiOverview>('GET', '/v1/overview');
  assert.equal(o.status, 200);
  assert.equal(o.body.per_minute.length, 60);
  await until('the log is counted', async () => (o = await hl.api<ApiOverview>('GET', '/v1/overview')).body.queue.counted_at !== null);
  assert.ok(o.body.queue.succeeded >= 1);
  const attempts = o.body.per_minute.reduce((n, m) => n + m.succeeded, 0);
  assert.ok(attempts >= 1, 'the test deliveries above are counted');
});

test('GET /v1/event-types/preview renders an example in a dialect, public and masked', async () => {
  const r = await hl.api<ApiRenderedRequest>('GET', '/v1/event-types/preview?type=client/created&dialect=opus1', undefined, null);
  assert.equal(r.status, 200);
  assert.ok(r.body.headers.some((h: { name: string; value: string }) => h.name === 'X-Opus1-Signature' && h.value === 'sha256=••••'));
  assert.equal(JSON.parse(r.body.body).business, 'example-business');
  const cannot = await hl.api<ApiRenderedRequest>('GET', '/v1/event-types/preview?type=invoice/paid&dialect=opus1', undefined, null);
  assert.equal(cannot.status, 422);
});

test('the dashboard is served at / with a strict CSP, and its bundles are cacheable by hash', async () => {
  const page = await fetch(`${hl.url}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'/);
  const html = await page.text();
  const js = /src="(\/ui\/app-[A-Z0-9]+\.js)"/i.exec(html)?.[1];
  assert.ok(js, `the page names its bundle: ${html.slice(0, 300)}`);
  assert.ok(!html.includes(hl.adminToken));
  const asset = await fetch(`${hl.url}${js}`);
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
  const again = await fetch(`${hl.url}/`, { headers: { 'if-none-match': page.headers.get('etag')! } });
  assert.equal(again.status, 304);
  assert.equal((await fetch(`${hl.url}/ui/nothing.js`)).status, 404);
});

test('the OpenAPI document describes the routes the dashboard uses', async () => {
  const paths = Object.keys((await hl.api<ApiOpenApi>('GET', '/openapi.json')).body.paths);
  for (const p of ['/v1/businesses/{b}/deliveries/{id}/request', '/v1/whoami', '/v1/overview', '/v1/event-types/preview', '/v1/businesses/{b}/inboxes', '/v1/businesses/{b}/inboxes/{id}/requests']) {
    assert.ok(paths.includes(p), `${p} is in /openapi.json`);
  }
  assert.ok(!paths.some((p) => p.startsWith('/inbox/') || p === '/' || p.startsWith('/ui/')), 'the receiving end and the UI are not API routes');
});
