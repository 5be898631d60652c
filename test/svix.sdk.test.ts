import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'svix';
import { startTestHookline } from './helpers/hookline.js';
import type { ApiIssuedToken } from './helpers/apiShapes.js';
import { startReceiver } from './helpers/receiver.js';
import { until } from './helpers/wait.js';
import { createTestSchema, probePostgres } from './helpers/postgres.js';
import { apiError, svixClient } from './helpers/svixSdk.js';

/**
 * Issue 15: the official `svix` npm SDK (1.x), unmodified, drives a running Hookline through
 * /api/v1, and receivers verify what it sends with the same package's `Webhook.verify`.
 */

const pg = await probePostgres();

async function setup(t: import('node:test').TestContext, databaseUrl?: string) {
  const h = await startTestHookline(databaseUrl ? { databaseUrl } : {});
  t.after(() => h.stop());
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const svix = svixClient(h);
  return { h, receiver, svix };
}

const headersOf = (h: Record<string, string | string[] | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(h).filter(([, v]) => typeof v === 'string')) as Record<string, string>;

test('journey (issue 15): application, event type, endpoint, message verified by svix, attempts, rotation, recover, delete — all through the svix SDK', async (t) => {
  const { h, receiver, svix } = await setup(t);

  const app = await svix.application.create({ name: 'Sunrise Yoga', uid: 'sunrise-yoga', metadata: { plan: 'pro' } });
  assert.match(app.id, /^app_/);
  assert.equal(app.uid, 'sunrise-yoga');
  assert.deepEqual(app.metadata, { plan: 'pro' });
  const again = await svix.application.getOrCreate({ name: 'Sunrise Yoga', uid: 'sunrise-yoga' });
  assert.equal(again.id, app.id, 'getOrCreate finds the application by its uid');
  assert.equal((await svix.application.get('sunrise-yoga')).id, app.id, 'an application is addressed by its uid too');

  const eventType = await svix.eventType.create({ name: 'class.waitlisted', description: 'A client joined a class waitlist' });
  assert.equal(eventType.name, 'class.waitlisted');
  assert.ok((await svix.eventType.list({ limit: 250 })).data.some((e) => e.name === 'client.created'), 'built-in types are listed in Svix names');

  const endpoint = await svix.endpoint.create(app.id, { url: `${receiver.url}/hooks`, filterTypes: ['class.waitlisted'], description: 'studio hooks', uid: 'main' });
  assert.deepEqual(endpoint.filterTypes, ['class.waitlisted']);
  assert.equal(endpoint.disabled, false);
  const secret = (await svix.endpoint.getSecret(app.id, endpoint.id)).key;
  assert.match(secret, /^whsec_/);

  const msg = await svix.message.create(app.id, { eventType: 'class.waitlisted', eventId: 'wl-1', payload: { type: 'class.waitlisted', classId: 'c-7' } });
  assert.equal(msg.eventId, 'wl-1');
  assert.equal(msg.eventType, 'class.waitlisted');
  await receiver.waitFor(1);
  const first = receiver.received[0]!;
  assert.deepEqual(new Webhook(secret).verify(first.body, headersOf(first.headers)), { type: 'class.waitlisted', classId: 'c-7' });
  assert.equal(first.headers['svix-id'], msg.id);

  const duplicate = await apiError(svix.message.create(app.id, { eventType: 'class.waitlisted', eventId: 'wl-1', payload: {} }));
  assert.equal(duplicate.code, 409, 'a repeated eventId is a conflict, as in Svix');
  assert.equal(duplicate.body.code, 'conflict');

  const byEndpoint = await until('the attempt is recorded', async () => {
    const page = await svix.messageAttempt.listByEndpoint(app.id, endpoint.id);
    return page.data.length > 0 ? page : null;
  });
  assert.equal(byEndpoint.data[0]!.status, 0);
  assert.equal(byEndpoint.data[0]!.responseStatusCode, 200);
  assert.equal(byEndpoint.data[0]!.msgId, msg.id);
  const byMsg = await svix.messageAttempt.listByMsg(app.id, msg.id);
  assert.equal(byMsg.data.length, 1);
  assert.equal(byMsg.data[0]!.endpointId, endpoint.id);
  assert.equal(byMsg.done, true);

  await svix.endpoint.rotateSecret(app.id, endpoint.id, {});
  const rotated = (await svix.endpoint.getSecret(app.id, endpoint.id)).key;
  assert.notEqual(rotated, secret);
  await svix.message.create(app.id, { eventType: 'class.waitlisted', payload: { classId: 'c-8' } });
  await receiver.waitFor(2);
  const second = receiver.received[1]!;
  assert.deepEqual(new Webhook(rotated).verify(second.body, headersOf(second.headers)), { classId: 'c-8' });

  // One attempt only (Hookline's own API, same data), so a failure is final and recover has work.
  await h.api('PATCH', `/v1/businesses/${app.id}/webhooks/${endpoint.id}`, { retry_schedule: [] });
  receiver.setResponder((_r, res) => {
    res.statusCode = 503;
    res.end('down');
  });
  const failing = await svix.message.create(app.id, { eventType: 'class.waitlisted', payload: { classId: 'c-9' } });
  await receiver.waitFor(3);
  await until('the attempt failed', async () => (await svix.messageAttempt.listByMsg(app.id, failing.id)).data.some((a) => a.status === 2));
  receiver.setResponder((_r, res) => res.end('ok'));
  const task = await svix.endpoint.recover(app.id, endpoint.id, { since: new Date(Date.now() - 60_000) });
  assert.equal(task.task, 'endpoint.recover');
  assert.match(task.id, /^qtask_/);
  await receiver.waitFor(4);
  const recovered = receiver.received[3]!;
  assert.deepEqual(new Webhook(rotated).verify(recovered.body, headersOf(recovered.headers)), { classId: 'c-9' });

  await svix.endpoint.delete(app.id, endpoint.id);
  const gone = await apiError(svix.endpoint.get(app.id, endpoint.id));
  assert.equal(gone.code, 404);
  assert.equal(gone.body.code, 'not_found');
});

test('Svix error shapes through the SDK: 401, 404, 409 and 422 bodies are JSON the SDK parses', async (t) => {
  const { h, svix } = await setup(t);
  const app = await svix.application.create({ name: 'Errors', uid: 'errors' });

  const conflict = await apiError(svix.application.create({ name: 'Errors', uid: 'errors' }));
  assert.equal(conflict.code, 409);
  assert.equal(typeof conflict.body.detail, 'string');

  const badUrl = await apiError(svix.endpoint.create(app.id, { url: 'not a url' }));
  assert.equal(badUrl.code, 422);
  assert.ok(Array.isArray(badUrl.body.detail));
  assert.deepEqual(badUrl.body.detail[0].loc, ['body', 'url']);
  assert.equal(typeof badUrl.body.detail[0].msg, 'string');

  const unknownType = await apiError(svix.message.create(app.id, { eventType: 'nothing.here', payload: {} }));
  assert.equal(unknownType.code, 422);
  assert.deepEqual(unknownType.body.detail[0].loc, ['body', 'eventType']);

  const missing = await apiError(svix.application.get('no-such-app'));
  assert.equal(missing.code, 404);
  assert.equal(missing.body.code, 'not_found');

  const stranger = svixClient(h, 'not-a-token');
  const unauthorized = await apiError(stranger.application.list());
  assert.equal(unauthorized.code, 401);
  assert.equal(unauthorized.body.code, 'authentication_failed');

  const unserved = await fetch(`${h.url}/api/v1/app/${app.id}/endpoint/ep_x/transformation`, { headers: { authorization: `Bearer ${h.adminToken}` } });
  assert.equal(unserved.status, 404);
  assert.match(unserved.headers.get('content-type') ?? '', /^application\/json/);
  assert.match(((await unserved.json()) as { detail: string }).detail, /does not serve GET \/api\/v1\/app\/.+\/transformation/);

  // The portal link opens Hookline's embeddable portal for this application's business, once.
  const portal = await svix.authentication.appPortalAccess(app.id, {});
  assert.match(portal.url, /\/portal\/open\?t=/);
  assert.ok(portal.url.endsWith(portal.token));
  const opened = await fetch(portal.url, { redirect: 'manual' });
  assert.equal(opened.status, 303);
  assert.equal(opened.headers.get('location'), '/portal');
  assert.equal((await fetch(portal.url, { redirect: 'manual' })).status, 410, 'the link is single-use');

  const health = await fetch(`${h.url}/api/v1/health/`);
  assert.equal(health.status, 204, 'health answers without a token, trailing slash ignored');
});

test('Svix pagination through the SDK: limit, iterator and done walk every application once', async (t) => {
  const { svix } = await setup(t);
  const made = [];
  for (let i = 0; i < 5; i++) made.push((await svix.application.create({ name: `App ${i}` })).id);
  const seen: string[] = [];
  let iterator: string | null | undefined;
  let pages = 0;
  for (;;) {
    const page = await svix.application.list({ limit: 2, iterator });
    pages++;
    assert.ok(page.data.length <= 2);
    seen.push(...page.data.map((a) => a.id));
    if (page.done) break;
    iterator = page.iterator;
  }
  assert.equal(pages, 3);
  assert.deepEqual(seen.sort(), [...made].sort());
  const tooMany = await apiError(svix.application.list({ limit: 251 }));
  assert.equal(tooMany.code, 422);
});

test('a business token reaches only its own application through the SDK', async (t) => {
  const { h, svix } = await setup(t);
  const mine = await svix.application.create({ name: 'Mine' });
  const other = await svix.application.create({ name: 'Other', uid: 'other' });
  const issued = await h.api<ApiIssuedToken>('POST', `/v1/businesses/${mine.id}/tokens`, { name: 'svix' });
  assert.equal(issued.status, 201);
  const scoped = svixClient(h, issued.body.token);
  assert.deepEqual((await scoped.application.list()).data.map((a) => a.id), [mine.id]);
  assert.equal((await apiError(scoped.application.get(other.id))).code, 404);
  assert.equal((await apiError(scoped.application.get('other'))).code, 404, 'nor by uid');
  assert.equal((await apiError(scoped.application.create({ name: 'More' }))).code, 403);
});

test('on PostgreSQL: a message reaches its endpoint and verifies, its attempt is listed, and a repeated eventId is refused', { skip: pg.available ? false : pg.reason }, async (t) => {
  const schema = await createTestSchema();
  // After hooks run in the order they are added: the server stops before its schema is dropped.
  const { receiver, svix } = await setup(t, `${schema.url}&pool_max=4`).catch(async (err) => {
    await schema.drop();
    throw err;
  });
  t.after(() => schema.drop());
  const app = await svix.application.getOrCreate({ name: 'On PostgreSQL', uid: 'pg-app' });
  const endpoint = await svix.endpoint.create('pg-app', { url: `${receiver.url}/pg`, uid: 'pg-endpoint', filterTypes: ['client.created'] });
  const msg = await svix.message.create('pg-app', { eventType: 'client.created', eventId: 'pg-1', payload: { id: 'cl_1', first_name: 'Ada' } });
  await receiver.waitFor(1);
  const secret = (await svix.endpoint.getSecret('pg-app', 'pg-endpoint')).key;
  const got = receiver.received[0]!;
  assert.deepEqual(new Webhook(secret).verify(got.body, headersOf(got.headers)), { id: 'cl_1', first_name: 'Ada' });
  await until('the attempt is listed', async () => (await svix.messageAttempt.listByEndpoint(app.id, endpoint.id)).data.length === 1);
  assert.equal((await svix.message.list(app.id)).data[0]!.id, msg.id);
  assert.equal((await apiError(svix.message.create(app.id, { eventType: 'client.created', eventId: 'pg-1', payload: {} }))).code, 409);
  assert.equal((await apiError(svix.application.create({ name: 'Again', uid: 'pg-app' }))).code, 409);
});
