import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type ApiResponse, type TestInstance } from './helpers/hookline.js';
import type { ApiListedWebhook, ApiPage, ApiProblem, ApiWebhook } from './helpers/apiShapes.js';

let hl: TestInstance;
before(async () => {
  hl = await startTestHookline();
  await hl.api('POST', '/v1/businesses', { id: 'clinic', name: 'Clinic' });
});
after(() => hl.stop());

const base = '/v1/businesses/clinic/webhooks';

test('create, read, list, change and delete a webhook with every documented field', async () => {
  const created = await hl.api<ApiWebhook>('POST', base, {
    name: 'Billing',
    url: 'https://billing.example.com/hooks',
    events: ['invoice/paid', 'subscription/*'],
    headers: { Authorization: 'Bearer abc' },
    timeout_ms: 3000,
    retry_schedule: [1, 10],
    max_in_flight: 4,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const w = created.body;
  assert.match(w.id, /^wh_[0-9A-HJKMNP-TV-Z]{26}$/);
  for (const field of ['id', 'business', 'name', 'url', 'events', 'dialect', 'enabled', 'headers', 'timeout_ms', 'retry_schedule', 'rate_limit', 'max_in_flight', 'ordering', 'secret', 'health', 'created_at', 'updated_at']) {
    assert.ok(field in w, `missing field ${field}`);
  }
  assert.equal(w.business, 'clinic');
  assert.deepEqual(w.events, ['invoice/paid', 'subscription/*']);
  assert.deepEqual(w.retry_schedule, [1, 10]);
  assert.equal(w.ordering, 'none');
  assert.equal(w.enabled, true);
  assert.deepEqual(w.health, { state: 'healthy', consecutive_failures: 0, since: null, reason: null });

  const read = await hl.api<ApiWebhook>('GET', `${base}/${w.id}`);
  assert.equal(read.status, 200);
  assert.equal(read.body.secret, w.secret);

  const list = await hl.api<ApiPage<ApiListedWebhook>>('GET', base);
  assert.equal(list.status, 200);
  assert.equal(list.body.data.length, 1);
  assert.equal(list.body.data[0]!.secret, undefined, 'lists never show secrets');
  assert.equal(list.body.next_cursor, null);

  const patched = await hl.api<ApiWebhook>('PATCH', `${base}/${w.id}`, { name: 'Billing v2', retry_schedule: [], enabled: false });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal(patched.body.name, 'Billing v2');
  assert.deepEqual(patched.body.retry_schedule, []);
  assert.equal(patched.body.enabled, false);

  assert.equal((await hl.api('DELETE', `${base}/${w.id}`)).status, 204);
  assert.equal((await hl.api('GET', `${base}/${w.id}`)).status, 404);
  assert.equal((await hl.api('DELETE', `${base}/${w.id}`)).status, 404);
});

test('webhook lists page with next_cursor until every webhook was seen once', async () => {
  const ids = new Set<string>();
  for (let i = 0; i < 5; i++) {
    ids.add((await hl.api<ApiWebhook>('POST', base, { url: `https://p${i}.example.com/`, events: ['*'] })).body.id);
  }
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: ApiResponse<ApiPage<ApiListedWebhook>> = await hl.api<ApiPage<ApiListedWebhook>>('GET', `${base}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.ok(page.body.data.length <= 2);
    seen.push(...page.body.data.map((w) => w.id));
    cursor = page.body.next_cursor ?? null;
  } while (cursor);
  for (const id of ids) assert.ok(seen.includes(id));
  assert.equal(new Set(seen).size, seen.length);
});

test('rotating a secret returns a new one and keeps the old one signing', async () => {
  const w = (await hl.api<ApiWebhook>('POST', base, { url: 'https://rotate.example.com/', events: ['*'] })).body;
  const r = await hl.api<ApiWebhook>('POST', `${base}/${w.id}/rotate-secret`);
  assert.equal(r.status, 200);
  assert.match(r.body.secret, /^whsec_/);
  assert.notEqual(r.body.secret, w.secret);
});

test('bad webhook input answers 4xx problem+json whose detail says what to fix', async () => {
  const cases: [unknown, number, RegExp][] = [
    [{ events: ['*'] }, 400, /url/],
    [{ url: 'not a url', events: ['*'] }, 422, /url/],
    [{ url: 'ftp://example.com/', events: ['*'] }, 422, /scheme/],
    [{ url: 'https://example.com/', events: [] }, 400, /events/],
    [{ url: 'https://example.com/', events: ['client/craeted'] }, 422, /client\/craeted/],
    [{ url: 'https://example.com/', events: ['Client Created'] }, 422, /Client Created/],
    [{ url: 'https://example.com/', events: ['*'], dialect: 'klingon' }, 422, /standard/],
    [{ url: 'https://example.com/', events: ['*'], headers: { 'Content-Type': 'text/plain' } }, 422, /Content-Type/],
    [{ url: 'https://example.com/', events: ['*'], headers: { 'bad header': 'x' } }, 422, /bad header/],
    [{ url: 'https://example.com/', events: ['*'], timeout_ms: 0 }, 400, /timeout_ms/],
    [{ url: 'https://example.com/', events: ['*'], retry_schedule: [-1] }, 400, /retry_schedule/],
    [{ url: 'https://example.com/', events: ['*'], colour: 'blue' }, 400, /colour/],
  ];
  for (const [body, status, detail] of cases) {
    const r = await hl.api<ApiProblem>('POST', base, body);
    assert.equal(r.status, status, `${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
    assert.match(r.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.match(r.body.detail, detail, `${JSON.stringify(body)}: ${r.body.detail}`);
    assert.equal(r.body.status, status);
  }
});

test('invalid JSON and a wrong content type are clear 4xx answers', async () => {
  const res = await fetch(hl.url + base, { method: 'POST', headers: { authorization: `Bearer ${hl.adminToken}`, 'content-type': 'application/json' }, body: '{"url": ' });
  assert.equal(res.status, 400);
  assert.equal(((await res.json()) as { code: string }).code, 'INVALID_JSON');
  const res2 = await fetch(hl.url + base, { method: 'POST', headers: { authorization: `Bearer ${hl.adminToken}`, 'content-type': 'text/plain' }, body: 'hello' });
  assert.equal(res2.status, 415);
});

test('private targets are refused unless HOOKLINE_ALLOW_PRIVATE_NETWORKS is set', async (t) => {
  const strict = await startTestHookline({ allowPrivateNetworks: false });
  t.after(() => strict.stop());
  await strict.api('POST', '/v1/businesses', { id: 's', name: 'S' });
  for (const url of ['http://127.0.0.1:9/x', 'http://localhost/x', 'http://169.254.169.254/latest', 'http://[::1]/', 'http://10.0.0.1/', 'http://100.64.0.1/']) {
    const r = await strict.api<ApiProblem>('POST', '/v1/businesses/s/webhooks', { url, events: ['*'] });
    assert.equal(r.status, 422, url);
    assert.equal(r.body.code, 'BLOCKED_TARGET', url);
  }
});
