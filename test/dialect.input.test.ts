import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyWebhook, type DialectName } from '../src/verify/index.js';
import { startDialectHarness } from './fixtures/dialectHarness.js';
import { until } from './helpers/wait.js';
import type { ApiEventType, ApiPage, ApiProblem, ApiTestEvent, ApiWebhook } from './helpers/apiShapes.js';

test('an unknown dialect is refused, listing the known ones', async (t) => {
  const h = await startDialectHarness(t);
  const res = await h.hl.api<ApiProblem>('POST', `/v1/businesses/${h.business}/webhooks`, { url: `${h.rx.url}/x`, events: ['client/created'], dialect: 'zapier' });
  assert.equal(res.status, 422);
  assert.equal(res.body.code, 'UNKNOWN_DIALECT');
  for (const d of ['standard', 'opus1', 'upodi', 'hapana', 'wellnessliving', 'vcita']) assert.ok(res.body.detail.includes(d), d);
});

test('a type the dialect cannot express is refused, listing what it accepts', async (t) => {
  const h = await startDialectHarness(t);
  const res = await h.hl.api<ApiProblem>('POST', `/v1/businesses/${h.business}/webhooks`, { url: `${h.rx.url}/x`, events: ['client/deleted'], dialect: 'opus1' });
  assert.equal(res.status, 422);
  assert.equal(res.body.code, 'INVALID_EVENT_FILTER');
  assert.match(res.body.detail, /opus1 dialect cannot express "client\/deleted"/);
  assert.match(res.body.detail, /client_create_trigger \(client\/created\)/);
  assert.match(res.body.detail, /subscription_update_trigger \(subscription\/updated\)/);
});

test('another dialect\'s name is refused, saying whose name it is and what this dialect accepts', async (t) => {
  const h = await startDialectHarness(t);
  const hapanaOnOpus = await h.hl.api<ApiProblem>('POST', `/v1/businesses/${h.business}/webhooks`, { url: `${h.rx.url}/x`, events: ['accountCreated'], dialect: 'opus1' });
  assert.ok(hapanaOnOpus.status >= 400 && hapanaOnOpus.status < 500);
  assert.match(hapanaOnOpus.body.detail, /"accountCreated" is the hapana dialect's name for client\/created/);
  assert.match(hapanaOnOpus.body.detail, /client_create_trigger/);

  const opusOnStandard = await h.hl.api<ApiProblem>('POST', `/v1/businesses/${h.business}/webhooks`, { url: `${h.rx.url}/x`, events: ['client_create_trigger'] });
  assert.ok(opusOnStandard.status >= 400 && opusOnStandard.status < 500);
  assert.match(opusOnStandard.body.detail, /opus1 dialect's name for client\/created/);

  const topicOnUpodi = await h.hl.api<ApiProblem>('POST', `/v1/businesses/${h.business}/webhooks`, { url: `${h.rx.url}/x`, events: ['client.created'], dialect: 'upodi' });
  assert.ok(topicOnUpodi.status >= 400 && topicOnUpodi.status < 500);
  assert.match(topicOnUpodi.body.detail, /Customer\.create \(client\/created\)/);
  assert.match(topicOnUpodi.body.detail, /wellnessliving dialect's name/);
});

test('wildcards on a fixed-vocabulary dialect become the types it can carry; one that covers none is refused', async (t) => {
  const h = await startDialectHarness(t);
  const wh = await h.createWebhook({ dialect: 'opus1', events: ['subscription/*'] });
  assert.deepEqual(wh.events, ['subscription/created', 'subscription/updated']);
  const none = await h.hl.api<ApiProblem>('POST', `/v1/businesses/${h.business}/webhooks`, { url: `${h.rx.url}/x`, events: ['invoice/*'], dialect: 'opus1' });
  assert.equal(none.status, 422);
  assert.match(none.body.detail, /"invoice\/\*"/);
  // Changing the dialect rechecks the stored types: Hapana has no subscription events.
  const patched = await h.hl.api<ApiProblem>('PATCH', `/v1/businesses/${h.business}/webhooks/${wh.id}`, { dialect: 'hapana' });
  assert.equal(patched.status, 422);
  assert.match(patched.body.detail, /hapana dialect cannot express "subscription\/created"/);
  const ok = await h.hl.api<ApiWebhook>('PATCH', `/v1/businesses/${h.business}/webhooks/${wh.id}`, { dialect: 'hapana', events: ['checkIn'] });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body.events, ['client/checked_in']);
});

test('a custom header cannot take the name of any dialect\'s signature header', async (t) => {
  const h = await startDialectHarness(t);
  for (const name of ['X-Opus1-Signature', 'x-vcita-event-id', 'X-Hapana-Delivery', 'x-payload-key', 'Webhook-Signature']) {
    const res = await h.hl.api<ApiProblem>('POST', `/v1/businesses/${h.business}/webhooks`, { url: `${h.rx.url}/x`, events: ['client/created'], headers: { [name]: 'x' } });
    assert.equal(res.status, 422, name);
    assert.equal(res.body.code, 'INVALID_HEADER');
  }
});

test('GET /v1/event-types shows each type\'s name in every dialect, null where it has none', async (t) => {
  const h = await startDialectHarness(t);
  const reg = await h.hl.api('POST', '/v1/event-types', { type: 'class/waitlisted', description: 'A client joined a waitlist.', schema: { type: 'object' } });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const res = await h.hl.api<ApiPage<ApiEventType>>('GET', '/v1/event-types', undefined, null);
  assert.equal(res.status, 200);
  const byType = new Map<string, { names: Record<string, string | null> }>(res.body.data.map((e) => [e.type, e]));
  assert.deepEqual(byType.get('client/created')!.names, {
    standard: 'client/created',
    opus1: 'client_create_trigger',
    upodi: 'Customer.create',
    hapana: 'accountCreated',
    wellnessliving: 'client.created',
    vcita: 'client/created',
    svix: 'client.created',
  });
  assert.deepEqual(byType.get('subscription/on_hold')!.names, {
    standard: 'subscription/on_hold', opus1: null, upodi: 'Subscription.hold', hapana: null, wellnessliving: null, vcita: null, svix: 'subscription.on_hold',
  });
  assert.deepEqual(byType.get('class/waitlisted')!.names, {
    standard: 'class/waitlisted', opus1: null, upodi: null, hapana: null, wellnessliving: null, vcita: null, svix: 'class.waitlisted',
  });
  for (const entry of res.body.data) assert.equal(entry.names.standard, entry.type);
});

test('"test this webhook" works in every dialect, and hookline/verify accepts what arrives', async (t) => {
  const h = await startDialectHarness(t);
  const events: Record<string, string> = { standard: 'client/created', opus1: 'client_create_trigger', upodi: 'Customer.create', hapana: 'checkIn', wellnessliving: 'client.created', vcita: 'client/created' };
  const secrets = new Map<string, string>();
  for (const [dialect, event] of Object.entries(events)) {
    const wh = await h.createWebhook({ dialect, events: [event], url: `${h.rx.url}/${dialect}` });
    secrets.set(dialect, wh.secret);
    const sent = await h.hl.api<ApiTestEvent>('POST', `/v1/businesses/${h.business}/webhooks/${wh.id}/test`);
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
  }
  await h.rx.waitFor(6);
  await until('six requests arrived', async () => h.rx.received.length >= 6);
  for (const req of h.rx.received) {
    const dialect = req.url.slice(1) as DialectName;
    const verified = verifyWebhook(dialect, req.body, req.headers, secrets.get(dialect)!);
    assert.ok(verified.id, dialect);
    assert.ok(JSON.stringify(verified.payload).includes('This is a test event'), dialect);
  }
});
