import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { startReceiver } from './helpers/receiver.js';
import { loadConfig } from '../src/config.js';
import { startHookline } from '../src/app.js';
import { pino } from 'pino';
import type { ApiAccepted, ApiEvent, ApiListedWebhook, ApiPage, ApiProblem, ApiVcitaError, ApiWebhook } from './helpers/apiShapes.js';

/**
 * Issue 12 §5: bad input gets a 4xx that names what to fix, never a 500 and never a stored row
 * that breaks a later read. Each test here failed on the code before the fix.
 */

let hl: TestInstance;
const B = 'bad-input';
const base = `/v1/businesses/${B}/webhooks`;
let webhookId: string;

before(async () => {
  hl = await startTestHookline();
  await hl.api('POST', '/v1/businesses', { id: B, name: 'Bad Input' });
  webhookId = (await hl.api<ApiWebhook>('POST', base, { url: 'https://bad-input.example.com/h', events: ['*'] })).body.id;
});
after(() => hl.stop());

async function raw(method: string, path: string, headers: Record<string, string>, body?: string) {
  const res = await fetch(hl.url + path, { method, headers: { authorization: `Bearer ${hl.adminToken}`, ...headers }, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

test('issue 12: a wrongly shaped retry_schedule or rate_limit is a 400 naming the field, on create and on PATCH, and stores nothing', async () => {
  const shapes: [string, unknown][] = [
    ['retry_schedule', [[1]]],
    ['retry_schedule', [[1, 2]]],
    ['retry_schedule', ['5']],
    ['rate_limit', [5]],
    ['rate_limit', '5'],
    ['timeout_ms', [3000]],
    ['max_in_flight', '4'],
    ['enabled', 'true'],
    ['name', ['x']],
  ];
  for (const [field, value] of shapes) {
    const created = await hl.api<ApiProblem>('POST', base, { url: 'https://bad-input.example.com/h', events: ['*'], [field]: value });
    assert.equal(created.status, 400, `create ${field}=${JSON.stringify(value)}: ${JSON.stringify(created.body)}`);
    assert.match(created.body.detail, new RegExp(`/body/${field}`), created.body.detail);
    const patched = await hl.api<ApiProblem>('PATCH', `${base}/${webhookId}`, { [field]: value });
    assert.equal(patched.status, 400, `patch ${field}=${JSON.stringify(value)}: ${JSON.stringify(patched.body)}`);
    assert.match(patched.body.detail, new RegExp(`/body/${field}`));
  }
  const list = await hl.api<ApiPage<ApiListedWebhook>>('GET', base);
  assert.equal(list.status, 200, JSON.stringify(list.body));
  assert.equal(list.body.data.length, 1, 'nothing was stored');
  assert.deepEqual(list.body.data[0]!.retry_schedule, null);
});

test('issue 12: the query string still takes numbers as text (?limit=2)', async () => {
  const list = await hl.api<ApiPage<ApiListedWebhook>>('GET', `${base}?limit=2`);
  assert.equal(list.status, 200);
  assert.equal((await hl.api('GET', `${base}?limit=abc`)).status, 400);
});

test('issue 12: rate_limit below one request per 100 s is refused with a 400 naming the bound', async () => {
  for (const rate of [1e-9, 0.001]) {
    const r = await hl.api<ApiProblem>('POST', base, { url: 'https://bad-input.example.com/h', events: ['*'], rate_limit: rate });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.match(r.body.detail, /\/body\/rate_limit: must be >= 0\.01/);
  }
  const ok = await hl.api<ApiWebhook>('PATCH', `${base}/${webhookId}`, { rate_limit: 0.01 });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal((await hl.api('PATCH', `${base}/${webhookId}`, { rate_limit: null })).status, 200);
});

test('issue 12: header values with control characters or text outside Latin-1 are refused at save with a 422 that says why', async () => {
  for (const value of ['a\u0001b', '中文', 'tab\tis fine but DEL \u007f is not']) {
    const created = await hl.api<ApiProblem>('POST', base, { url: 'https://bad-input.example.com/h', events: ['*'], headers: { 'X-Key': value } });
    assert.equal(created.status, 422, JSON.stringify(created.body));
    assert.equal(created.body.code, 'INVALID_HEADER');
    assert.match(created.body.detail, /X-Key/);
    const patched = await hl.api<ApiWebhook>('PATCH', `${base}/${webhookId}`, { headers: { 'X-Key': value } });
    assert.equal(patched.status, 422);
  }
  const fine = await hl.api<ApiWebhook>('PATCH', `${base}/${webhookId}`, { headers: { 'X-Key': 'Bearer abc\tdéf' } });
  assert.equal(fine.status, 200, JSON.stringify(fine.body));
});

test('issue 12: event data nested deeper than the limit is a 400 naming the limit, for a single event and a batch', async () => {
  // Built as text: JSON.stringify itself cannot write data this deep.
  const deep = `${'{"a":'.repeat(6000)}{}${'}'.repeat(6000)}`;
  const json = { 'content-type': 'application/json' };
  const one = await raw('POST', `/v1/businesses/${B}/events`, json, `{"type":"invoice/paid","data":${deep}}`);
  assert.equal(one.status, 400, JSON.stringify(one.body).slice(0, 300));
  assert.equal(one.body.code, 'BODY_TOO_DEEP');
  assert.match(one.body.detail, /64 levels/);
  const batch = await raw('POST', `/v1/businesses/${B}/events/batch`, json, `{"events":[{"type":"invoice/paid","data":${deep}}]}`);
  assert.equal(batch.status, 400);
  assert.equal(batch.body.code, 'BODY_TOO_DEEP');
  let arrays: unknown = [];
  for (let i = 0; i < 100; i++) arrays = [arrays];
  const nestedArrays = await hl.api<ApiAccepted>('POST', `/v1/businesses/${B}/events`, { type: 'invoice/paid', data: { a: arrays } });
  assert.equal(nestedArrays.status, 400);
  let shallow: unknown = {};
  for (let i = 0; i < 50; i++) shallow = { a: shallow };
  const ok = await hl.api<ApiAccepted>('POST', `/v1/businesses/${B}/events`, { type: 'invoice/paid', data: shallow });
  assert.equal(ok.status, 202, JSON.stringify(ok.body).slice(0, 300));
  assert.equal((await hl.api<ApiEvent>('GET', `/v1/businesses/${B}/events/${ok.body.id}`)).status, 200);
});

test('issue 12: an empty body sent with Content-Type: application/json is no body, on every bodiless route', async () => {
  const json = { 'content-type': 'application/json' };
  const wh = (await hl.api<ApiWebhook>('POST', base, { url: 'https://bad-input.example.com/empty', events: ['*'] })).body;
  const rotated = await raw('POST', `${base}/${wh.id}/rotate-secret`, json, '');
  assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
  assert.notEqual(rotated.body.secret, wh.secret);
  const tested = await raw('POST', `${base}/${wh.id}/test`, json, '');
  assert.equal(tested.status, 202, JSON.stringify(tested.body));
  const retried = await raw('POST', `/v1/businesses/${B}/deliveries/${tested.body.delivery.id}/retry`, json, '');
  assert.equal(retried.status < 300, true, JSON.stringify(retried.body));
  const token = await raw('POST', `/v1/businesses/${B}/tokens`, json, '');
  assert.equal(token.status, 201, JSON.stringify(token.body));
  const replay = await raw('POST', `${base}/${wh.id}/replay`, json, '');
  assert.equal(replay.status, 400, 'replay needs "since"');
  assert.equal(replay.body.code, 'VALIDATION_FAILED', replay.body.detail);
  // Other content types with no body are no body too; whitespace is as empty as nothing.
  assert.equal((await raw('POST', `${base}/${wh.id}/rotate-secret`, { 'content-type': 'text/plain' }, '')).status, 200);
  assert.equal((await raw('POST', `${base}/${wh.id}/rotate-secret`, json, '  \n')).status, 200);
  const deleted = await raw('DELETE', `${base}/${wh.id}`, json, '');
  assert.equal(deleted.status, 204, JSON.stringify(deleted.body));
  assert.equal((await hl.api('GET', `${base}/${wh.id}`)).status, 404, 'the DELETE was done');
});

test('issue 12: a custom event type whose schema has a catastrophic regex is refused at registration; a safe one is taken', async () => {
  const unsafe = ['^(a+)+$', '(a*)*b', '^(\\w+\\s?)*$', '(x+x+)+y', '^(a|aa)+$', '(.*a){12}', '^(a+){2,}$', '(a)\\1', '^(a{1,3}){1,40}$', '((ab)*c)+'];
  for (const pattern of unsafe) {
    for (const schema of [
      { type: 'object', properties: { name: { type: 'string', pattern } } },
      { type: 'object', patternProperties: { [pattern]: { type: 'string' } } },
      { type: 'object', properties: { tags: { type: 'array', items: { type: 'string', pattern } } } },
    ]) {
      const r = await hl.api<ApiProblem>('POST', '/v1/event-types', { type: 'lead/scored', description: 'A lead was scored.', schema });
      assert.equal(r.status, 400, `${pattern}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.detail, /pattern/);
    }
  }
  const safe = await hl.api('POST', '/v1/event-types', {
    type: 'lead/scored',
    description: 'A lead was scored.',
    schema: {
      type: 'object',
      properties: {
        code: { type: 'string', pattern: '^[A-Z]{2}-\\d{4}(-[a-z]+)?$' },
        email: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' },
        ip: { type: 'string', pattern: '^(\\d{1,3}\\.){3}\\d{1,3}$' },
        day: { type: 'string', pattern: '^(mon|tue|wed)$' },
      },
    },
    example: { code: 'AB-1234' },
  });
  assert.equal(safe.status, 201, JSON.stringify(safe.body));
  const started = Date.now();
  const published = await hl.api<ApiAccepted>('POST', `/v1/businesses/${B}/events`, { type: 'lead/scored', data: { code: 'a'.repeat(30) + '!' } });
  assert.equal(published.status, 422);
  assert.ok(Date.now() - started < 500);
});

test('issue 12: a stored rate_limit far below one per second sets no timer past 2^31-1 ms (no TimeoutOverflowWarning, no busy loop)', async () => {
  const receiver = await startReceiver();
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on('warning', onWarning);
  const first = await startTestHookline();
  try {
    await first.api('POST', '/v1/businesses', { id: 'slow', name: 'Slow' });
    const wh = (await first.api<ApiWebhook>('POST', '/v1/businesses/slow/webhooks', { url: receiver.url, events: ['*'], rate_limit: 1 })).body;
    await first.handle.stop();
    // A row written before rate_limit had a floor.
    const db = new Database(first.dbUrl.slice('file:'.length));
    db.prepare('UPDATE webhooks SET rate_limit = 1e-9 WHERE id = ?').run(wh.id);
    db.close();
    const config = loadConfig({}, { port: 0, databaseUrl: first.dbUrl, adminToken: first.adminToken, allowPrivateNetworks: true, pollMs: 50, logLevel: 'silent' });
    const again = await startHookline(config, { mode: 'serve', logger: pino({ level: 'silent' }) });
    try {
      const api = (await import('./helpers/hookline.js')).apiClient(again.url!, first.adminToken);
      for (let i = 0; i < 3; i++) assert.equal((await api('POST', '/v1/businesses/slow/events', { type: 'invoice/paid', data: {} })).status, 202);
      await receiver.waitFor(1);
      const cpuBefore = process.cpuUsage();
      await new Promise((r) => setTimeout(r, 500));
      const cpu = process.cpuUsage(cpuBefore);
      assert.deepEqual(warnings.filter((w) => w === 'TimeoutOverflowWarning'), []);
      assert.equal(receiver.received.length, 1, 'the rate holds: one request, the rest wait');
      assert.ok((cpu.user + cpu.system) / 1000 < 300, `idle, not spinning: ${(cpu.user + cpu.system) / 1000} ms CPU in 500 ms`);
    } finally {
      await again.stop();
    }
  } finally {
    process.off('warning', onWarning);
    await first.stop();
    await receiver.close();
  }
});

test('issue 12 (found by the shape fuzz): a vcita list filter given twice is a 422 in vcita\'s shape, not a 500', async () => {
  const r = await hl.api<ApiVcitaError>('GET', `/platform/v1/webhooks?business=${B}&filter[event_type]=created&filter[event_type]=updated`);
  assert.equal(r.status, 422, JSON.stringify(r.body));
  assert.equal(r.body.status, 'Error');
  assert.match(r.body.error, /filter\[event_type\]/);
});
