import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'svix';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import type { ApiDelivery, ApiIssuedToken, ApiPage, ApiWebhook } from './helpers/apiShapes.js';
import { startReceiver } from './helpers/receiver.js';
import { until } from './helpers/wait.js';
import { catalogTypeOfSvixName, svixEventName } from '../src/dialects/svixNames.js';
import { SvixRecordSweeper } from '../src/api/svix/SvixRecordSweeper.js';
import { storeFactories } from './helpers/stores.js';
import { apiError, svixClient } from './helpers/svixSdk.js';

/** Issue 15: the rest of Svix's API as Hookline serves it, through the svix SDK and raw HTTP. */


async function setup(t: import('node:test').TestContext) {
  const h = await startTestHookline();
  t.after(() => h.stop());
  const svix = svixClient(h);
  return { h, svix };
}

function raw(h: TestInstance, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  return fetch(`${h.url}${path}`, {
    method,
    body,
    headers: { authorization: `Bearer ${h.adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
  });
}

test('Svix event type names map to catalogue types by one documented rule, both ways', () => {
  assert.equal(catalogTypeOfSvixName('invoice.paid'), 'invoice/paid');
  assert.equal(catalogTypeOfSvixName('hookline.webhook.disabled'), 'hookline/webhook.disabled');
  assert.equal(catalogTypeOfSvixName('ping'), 'svix/ping');
  assert.equal(catalogTypeOfSvixName('Invoice.Paid'), null, 'the catalogue is lowercase');
  assert.equal(catalogTypeOfSvixName('.paid'), null);
  for (const name of ['invoice.paid', 'hookline.webhook.disabled', 'ping', 'class.wait_listed', 'a.b.c']) {
    assert.equal(svixEventName(catalogTypeOfSvixName(name)!), name, name);
  }
  assert.equal(svixEventName('client/created'), 'client.created');
});

test('endpoints: uid addressing, PUT and PATCH, eventTypes as an alias of filterTypes, headers, disabled', async (t) => {
  const { h, svix } = await setup(t);
  const app = await svix.application.create({ name: 'Endpoints' });
  const ep = await svix.endpoint.create(app.id, { url: 'https://hooks.example.com/a', uid: 'primary', metadata: { team: 'ops' }, channels: ['eu'], headers: { 'X-Studio': 'north' } });
  assert.equal(ep.filterTypes, null, 'no filter is every type');
  assert.deepEqual(ep.channels, ['eu']);
  assert.equal((await svix.endpoint.get(app.id, 'primary')).id, ep.id);
  assert.equal((await svix.endpoint.list(app.id)).data.length, 1);

  const taken = await apiError(svix.endpoint.create(app.id, { url: 'https://hooks.example.com/b', uid: 'primary' }));
  assert.equal(taken.code, 409);

  const patched = await svix.endpoint.patch(app.id, 'primary', { disabled: true, filterTypes: ['client.created', 'invoice.paid'] });
  assert.equal(patched.disabled, true);
  assert.deepEqual(patched.filterTypes, ['client.created', 'invoice.paid']);
  assert.deepEqual(patched.metadata, { team: 'ops' }, 'PATCH keeps what it is not given');
  const webhook = (await h.api<ApiWebhook>('GET', `/v1/businesses/${app.id}/webhooks/${ep.id}`)).body;
  assert.deepEqual(webhook.events, ['client/created', 'invoice/paid'], 'stored as catalogue filters');
  assert.equal(webhook.dialect, 'svix');
  assert.equal(webhook.enabled, false);

  const viaAlias = await raw(h, 'PATCH', `/api/v1/app/${app.id}/endpoint/${ep.id}`, JSON.stringify({ eventTypes: ['client.updated'], somethingNew: true }));
  assert.equal(viaAlias.status, 200, 'unknown fields are ignored');
  assert.deepEqual(((await viaAlias.json()) as { eventTypes: string[] }).eventTypes, ['client.updated']);

  const put = await svix.endpoint.update(app.id, ep.id, { url: 'https://hooks.example.com/c' });
  assert.equal(put.url, 'https://hooks.example.com/c');
  assert.equal(put.disabled, false, 'PUT replaces: absent fields take their defaults');
  assert.equal(put.filterTypes, null);
  assert.deepEqual(put.metadata, {});
  assert.equal(put.uid, null);

  assert.deepEqual((await svix.endpoint.getHeaders(app.id, ep.id)).headers, { 'X-Studio': 'north' });
  await svix.endpoint.patchHeaders(app.id, ep.id, { headers: { 'X-Region': 'eu' } });
  assert.deepEqual((await svix.endpoint.getHeaders(app.id, ep.id)).headers, { 'X-Studio': 'north', 'X-Region': 'eu' });
  await svix.endpoint.updateHeaders(app.id, ep.id, { headers: { 'X-Only': '1' } });
  assert.deepEqual((await svix.endpoint.getHeaders(app.id, ep.id)).headers, { 'X-Only': '1' });
  const forged = await apiError(svix.endpoint.updateHeaders(app.id, ep.id, { headers: { 'svix-signature': 'v1,x' } }));
  assert.equal(forged.code, 422, 'a custom header cannot forge a signature');
});

test('messages: list and get by id or eventId, channels kept, resend sends again, a repeated eventId stores nothing', async (t) => {
  const { h, svix } = await setup(t);
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const app = await svix.application.create({ name: 'Messages' });
  const ep = await svix.endpoint.create(app.id, { url: `${receiver.url}/in`, filterTypes: ['client.created'] });
  const sent = [];
  for (let i = 0; i < 3; i++) {
    sent.push(await svix.message.create(app.id, { eventType: 'client.created', eventId: `c-${i}`, channels: ['eu'], payload: { id: `cl_${i}`, first_name: 'Ada' } }));
  }
  await receiver.waitFor(3);
  const got = await svix.message.get(app.id, 'c-1');
  assert.deepEqual(got.payload, { id: 'cl_1', first_name: 'Ada' });
  assert.deepEqual(got.channels, ['eu']);
  const first = await svix.message.list(app.id, { limit: 2 });
  assert.deepEqual(first.data.map((m) => m.eventId), ['c-2', 'c-1'], 'newest first');
  assert.equal(first.done, false);
  const second = await svix.message.list(app.id, { limit: 2, iterator: first.iterator });
  assert.deepEqual(second.data.map((m) => m.eventId), ['c-0']);
  assert.equal(second.done, true);

  assert.equal((await apiError(svix.message.create(app.id, { eventType: 'client.created', eventId: 'c-0', payload: { id: 'x' } }))).code, 409);
  const events = await h.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${app.id}/deliveries?event_id=c-0`);
  assert.equal(events.body.data.length, 1, 'the repeat made no delivery');

  await svix.messageAttempt.resend(app.id, 'c-0', ep.id);
  await receiver.waitFor(4);
  const again = receiver.received[3]!;
  assert.equal(again.headers['svix-id'], 'c-0');
  const secret = (await svix.endpoint.getSecret(app.id, ep.id)).key;
  new Webhook(secret).verify(again.body, again.headers as Record<string, string>);
  const attempts = await until('both attempts are recorded', async () => {
    const page = await svix.messageAttempt.listByMsg(app.id, 'c-0');
    return page.data.length === 2 ? page : null;
  });
  assert.ok(attempts.data.every((a) => a.status === 0 && a.statusText === 'success'));
  assert.equal((await svix.messageAttempt.listByMsg(app.id, 'c-0', { status: 2 })).data.length, 0, 'filtered by status');
});

test('idempotency-key: the same key and body answer the first answer again and store nothing new; another body is a conflict', async (t) => {
  const { h, svix } = await setup(t);
  const app = await svix.application.create({ name: 'Keys' });
  const body = JSON.stringify({ eventType: 'client.created', payload: { id: 'cl_1' } });
  const first = await raw(h, 'POST', `/api/v1/app/${app.id}/msg`, body, { 'idempotency-key': 'key-1' });
  assert.equal(first.status, 202);
  const firstBody = await first.json();
  const second = await raw(h, 'POST', `/api/v1/app/${app.id}/msg`, body, { 'idempotency-key': 'key-1' });
  assert.equal(second.status, 202);
  assert.equal(second.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual(await second.json(), firstBody);
  assert.equal((await svix.message.list(app.id)).data.length, 1, 'one message stored');
  const other = await raw(h, 'POST', `/api/v1/app/${app.id}/msg`, JSON.stringify({ eventType: 'client.created', payload: { id: 'cl_2' } }), { 'idempotency-key': 'key-1' });
  assert.equal(other.status, 409);
  assert.equal(((await other.json()) as { code: string }).code, 'conflict');
});

test('applications: PUT, PATCH and DELETE; a deleted application is gone, its uid free, its endpoints removed', async (t) => {
  const { h, svix } = await setup(t);
  const app = await svix.application.create({ name: 'Studio', uid: 'studio', metadata: { tier: 'a' } });
  assert.equal((await svix.application.patch(app.id, { name: 'Studio North' })).name, 'Studio North');
  assert.deepEqual((await svix.application.get('studio')).metadata, { tier: 'a' });
  const put = await svix.application.update('studio', { name: 'Studio N' });
  assert.equal(put.uid, null, 'PUT replaces the uid too');
  assert.deepEqual(put.metadata, {});
  const other = await svix.application.create({ name: 'Other' });
  assert.equal((await apiError(svix.application.patch(app.id, { uid: other.id }))).code, 409, "a uid may not be another application's id");
  const ep = await svix.endpoint.create(app.id, { url: 'https://hooks.example.com/x' });
  await svix.application.delete(app.id);
  assert.equal((await apiError(svix.application.get(app.id))).code, 404);
  assert.equal((await h.api('GET', `/v1/businesses/${app.id}/webhooks/${ep.id}`)).status, 404, 'its endpoints went through the webhooks service');
  assert.ok(!(await svix.application.list()).data.some((a) => a.id === app.id));
});

test('event types: PUT creates and replaces a custom type with its schema; bad names and archiving say what to do', async (t) => {
  const { svix } = await setup(t);
  const created = await svix.eventType.update('class.cancelled', {
    description: 'A class was cancelled',
    schemas: { '1': { type: 'object', properties: { classId: { type: 'string' } }, required: ['classId'] } },
  });
  assert.equal(created.name, 'class.cancelled');
  const app = await svix.application.create({ name: 'Types' });
  const invalid = await apiError(svix.message.create(app.id, { eventType: 'class.cancelled', payload: { classId: 7 } }));
  assert.equal(invalid.code, 422, "the payload is checked against the type's schema");
  assert.deepEqual(invalid.body.detail[0].loc, ['body', 'payload', 'classId'], JSON.stringify(invalid.body));
  await svix.message.create(app.id, { eventType: 'class.cancelled', payload: { classId: 'c-1' } });
  assert.equal((await svix.eventType.get('class.cancelled')).description, 'A class was cancelled');
  assert.equal((await apiError(svix.eventType.create({ name: 'Class.Upper', description: 'x' }))).code, 422);
  assert.equal((await apiError(svix.eventType.create({ name: 'client.created', description: 'x' }))).code, 409);
  assert.equal((await apiError(svix.eventType.delete('class.cancelled'))).code, 404);
});

test('problem+json never leaks under /api/v1: bad JSON, a wrong media type and a bad iterator are Svix-shaped JSON', async (t) => {
  const { h } = await setup(t);
  const badJson = await raw(h, 'POST', '/api/v1/app', '{"name":');
  assert.match(badJson.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(badJson.status, 400);
  assert.equal(((await badJson.json()) as { code: string }).code, 'bad_request');
  const text = await fetch(`${h.url}/api/v1/app`, { method: 'POST', body: 'name', headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': 'text/plain' } });
  assert.equal(text.status, 415);
  assert.match(text.headers.get('content-type') ?? '', /^application\/json/);
  const missing = await raw(h, 'POST', '/api/v1/app', JSON.stringify({}));
  assert.equal(missing.status, 422);
  assert.deepEqual(((await missing.json()) as { detail: { loc: string[] }[] }).detail[0]!.loc, ['body']);
  const undecodable = await raw(h, 'GET', '/api/v1/app/%zz');
  assert.equal(undecodable.status, 400);
  assert.match(undecodable.headers.get('content-type') ?? '', /^application\/json/, 'even failures found while routing');
  const iterator = await raw(h, 'GET', `/api/v1/app?iterator=${encodeURIComponent('\u0001')}`);
  assert.equal(iterator.status, 400);
  assert.match(iterator.headers.get('content-type') ?? '', /^application\/json/);
});

test('the Svix record sweeper forgets idempotency answers after a day and message records past retention, and keeps the rest', async (t) => {
  const ts = await storeFactories[0]!.create();
  t.after(() => ts.dispose());
  const now = Date.now();
  const day = 24 * 3600 * 1000;
  const put = (kind: 'idempotency' | 'message', id: string, age: number) =>
    ts.store.putSvixRecord({ kind, scope: 'b1', id, uid: null, body: '{}', created_at: now - age, updated_at: now - age });
  await put('idempotency', 'stale-key', day + 60_000);
  await put('idempotency', 'fresh-key', 60_000);
  await put('message', 'old-msg', 31 * day);
  await put('message', 'new-msg', 29 * day);
  const errors: unknown[] = [];
  const sweeper = new SvixRecordSweeper(ts.store, 30, (err) => errors.push(err));
  sweeper.start();
  await sweeper.stop();
  await sweeper.stop();
  assert.deepEqual(errors, []);
  assert.deepEqual((await ts.store.getSvixRecords('idempotency', 'b1', ['stale-key', 'fresh-key'])).map((r) => r.id), ['fresh-key']);
  assert.deepEqual((await ts.store.getSvixRecords('message', 'b1', ['old-msg', 'new-msg'])).map((r) => r.id), ['new-msg']);
});

test("isolation: with a business token, every /api/v1 route aimed at another business's application answers 403 or 404 and changes nothing", async (t) => {
  const { h, svix } = await setup(t);
  const mine = await svix.application.create({ name: 'Mine' });
  const theirs = await svix.application.create({ name: 'Theirs', uid: 'theirs' });
  const theirEndpoint = await svix.endpoint.create(theirs.id, { url: 'https://hooks.example.com/theirs' });
  const theirSecret = (await svix.endpoint.getSecret(theirs.id, theirEndpoint.id)).key;
  const token = (await h.api<ApiIssuedToken>('POST', `/v1/businesses/${mine.id}/tokens`, {})).body.token;
  const doc = (await h.api('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: unknown }> } }>> };
  let checked = 0;
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (!path.includes('{app_id}')) continue;
    for (const [method, op] of Object.entries(ops)) {
      for (const appId of [theirs.id, 'theirs']) {
        const url = path.replace('{app_id}', appId).replace('{endpoint_id}', theirEndpoint.id).replace(/\{[^}]+\}/g, 'x');
        const body = op.requestBody ? JSON.stringify({ name: 'n', url: 'https://e.example/', eventType: 'client.created', payload: {}, since: '2020-01-01T00:00:00Z', headers: {} }) : undefined;
        const res = await fetch(`${h.url}${url}`, { method: method.toUpperCase(), body, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) } });
        const text = await res.text();
        assert.ok(res.status === 404 || res.status === 403, `${method.toUpperCase()} ${url} answered ${res.status}: ${text.slice(0, 200)}`);
        assert.ok(!text.includes(theirSecret), `${method.toUpperCase()} ${url} leaked a secret`);
        checked++;
      }
    }
  }
  assert.ok(checked >= 40, `${checked} requests`);
  assert.equal((await svix.endpoint.get(theirs.id, theirEndpoint.id)).url, 'https://hooks.example.com/theirs', 'nothing changed');
  assert.equal((await svix.message.list(theirs.id)).data.length, 0);
});

test('recover also sends at once the messages whose last attempt failed and that wait for a retry, within since..until', async (t) => {
  const { h, svix } = await setup(t);
  const receiver = await startReceiver((_r, res) => {
    res.statusCode = 500;
    res.end('down');
  });
  t.after(() => receiver.close());
  const app = await svix.application.create({ name: 'Recover' });
  const ep = await svix.endpoint.create(app.id, { url: `${receiver.url}/r` });
  // The next retry is an hour away: only recover can bring the message back within this test.
  assert.equal((await h.api('PATCH', `/v1/businesses/${app.id}/webhooks/${ep.id}`, { retry_schedule: [3600] })).status, 200);
  const msg = await svix.message.create(app.id, { eventType: 'client.created', payload: { id: 'cl_1' } });
  await receiver.waitFor(1);
  await until('the failure is recorded', async () => (await svix.messageAttempt.listByMsg(app.id, msg.id)).data.some((a) => a.status === 2));
  receiver.setResponder((_r, res) => res.end('ok'));
  // A window that ends before the message leaves it waiting for its retry an hour away.
  const sent = Date.parse((await svix.message.get(app.id, msg.id)).timestamp.toISOString());
  await svix.endpoint.recover(app.id, ep.id, { since: new Date(sent - 60_000), until: new Date(sent - 1) });
  const waiting = (await h.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${app.id}/deliveries?event_id=${msg.id}`)).body.data[0]!;
  assert.equal(waiting.status, 'retrying');
  assert.ok(Date.parse(waiting.next_attempt_at!) > Date.now() + 30 * 60_000, 'until kept it out of the recovery');
  await assert.rejects(svix.endpoint.recover(app.id, ep.id, { since: new Date(sent), until: new Date(sent - 1000) }), (e: { code?: number }) => e.code === 422);
  const before = await svix.endpoint.recover(app.id, ep.id, { since: new Date(Date.now() + 1000 - 3600_000 * 2) });
  assert.equal(before.status, 'finished');
  await receiver.waitFor(2, 5000);
  await until('the recovered attempt succeeded', async () => (await svix.messageAttempt.listByMsg(app.id, msg.id)).data.some((a) => a.status === 0));
});
