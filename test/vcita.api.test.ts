import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import type { ApiIssuedToken, ApiListedWebhook, ApiPage, ApiVcitaError, ApiVcitaList, ApiVcitaSubscribed, ApiWebhook } from './helpers/apiShapes.js';

const SUBSCRIBE = '/platform/v1/webhook/subscribe';
const UNSUBSCRIBE = '/platform/v1/webhook/unsubscribe';
const LIST = '/platform/v1/webhooks';
const NOT_SUBSCRIBED = { response: 'Not Subscribed' };

async function setup(t: import('node:test').TestContext) {
  const hl = await startTestHookline();
  t.after(() => hl.stop());
  const tokens: Record<string, string> = {};
  for (const b of ['studio-1', 'studio-2']) {
    assert.equal((await hl.api('POST', '/v1/businesses', { id: b, name: b })).status, 201);
    tokens[b] = (await hl.api<ApiIssuedToken>('POST', `/v1/businesses/${b}/tokens`)).body.token;
  }
  return { hl, staff1: tokens['studio-1']!, staff2: tokens['studio-2']! };
}

async function raw(hl: TestInstance, path: string, body: string, token: string | null) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(hl.url + path, { method: 'POST', headers, body });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
}

test('vcita subscribe: a staff token creates a one-event vcita webhook and answers 201 in vcita\'s shape', async (t) => {
  const { hl, staff1 } = await setup(t);
  const res = await hl.api<ApiVcitaSubscribed>('POST', SUBSCRIBE, { event: 'client/created', target_url: 'https://crm.example/hooks' }, staff1);
  assert.equal(res.status, 201);
  assert.match(String(res.headers.get('content-type')), /^application\/json/);
  assert.deepEqual(Object.keys(res.body), ['status', 'data']);
  assert.equal(res.body.status, 'OK');
  assert.match(res.body.data.subscription_id, /^wh_/);
  const wh = await hl.api<ApiWebhook>('GET', `/v1/businesses/studio-1/webhooks/${res.body.data.subscription_id}`);
  assert.equal(wh.body.dialect, 'vcita');
  assert.deepEqual(wh.body.events, ['client/created']);
  assert.equal(wh.body.url, 'https://crm.example/hooks');
});

test('vcita subscribe: the directory token names the business in the body or x-on-behalf-of, and must name one', async (t) => {
  const { hl } = await setup(t);
  const viaBody = await hl.api('POST', SUBSCRIBE, { event: 'payment/paid', target_url: 'https://a.example/h', business: 'studio-2' });
  assert.equal(viaBody.status, 201);
  const viaId = await hl.api('POST', SUBSCRIBE, { event: 'payment/paid', target_url: 'https://b.example/h', business_id: 'studio-2' });
  assert.equal(viaId.status, 201);
  const res = await fetch(hl.url + SUBSCRIBE, {
    method: 'POST',
    headers: { authorization: `Bearer ${hl.adminToken}`, 'x-on-behalf-of': 'studio-1', 'content-type': 'application/json' },
    body: JSON.stringify({ event: 'invoice/issued', target_url: 'https://c.example/h' }),
  });
  assert.equal(res.status, 201);
  const none = await hl.api('POST', SUBSCRIBE, { event: 'payment/paid', target_url: 'https://a.example/h' });
  assert.equal(none.status, 500);
  assert.deepEqual(none.body, NOT_SUBSCRIBED);
  const unknown = await hl.api('POST', SUBSCRIBE, { event: 'payment/paid', target_url: 'https://a.example/h', business: 'nope' });
  assert.deepEqual([unknown.status, unknown.body], [500, NOT_SUBSCRIBED]);
});

test('vcita subscribe: every failure is HTTP 500 {"response":"Not Subscribed"} exactly', async (t) => {
  const { hl, staff1, staff2 } = await setup(t);
  const bodies: unknown[] = [
    { event: 'client', target_url: 'https://x.example/h' },
    { event: 'client/created/now', target_url: 'https://x.example/h' },
    { event: 'unicorn/created', target_url: 'https://x.example/h' },
    { event: 'client/status_changed', target_url: 'https://x.example/h' },
    { event: 'client/created' },
    { target_url: 'https://x.example/h' },
    { event: 'client/created', target_url: 'not a url' },
    { event: 'client/created', target_url: 'ftp://x.example/h' },
    { event: 'client/created', target_url: 'https://x.example/h', business: 'studio-2' },
  ];
  for (const body of bodies) {
    const res = await raw(hl, SUBSCRIBE, JSON.stringify(body), staff1);
    assert.equal(res.status, 500, JSON.stringify(body));
    assert.deepEqual(res.body, NOT_SUBSCRIBED, JSON.stringify(body));
    assert.doesNotMatch(String(res.type), /problem/);
  }
  const badJson = await raw(hl, SUBSCRIBE, '{"event": ', staff2);
  assert.deepEqual([badJson.status, badJson.body], [500, NOT_SUBSCRIBED]);
  assert.equal((await hl.api<ApiPage<ApiListedWebhook>>('GET', '/v1/businesses/studio-1/webhooks')).body.data.length, 0);
});

test('vcita subscribe: no token or a wrong one is 401 in vcita\'s error shape, not problem+json', async (t) => {
  const { hl } = await setup(t);
  for (const token of [null, 'not-a-real-token-0123456789']) {
    for (const path of [SUBSCRIBE, UNSUBSCRIBE]) {
      const res = await raw(hl, path, JSON.stringify({ event: 'client/created', target_url: 'https://x.example/h' }), token);
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { status: 'Error', error: 'Unauthorized' });
      assert.doesNotMatch(String(res.type), /problem/);
    }
    const list = await hl.api('GET', LIST, undefined, token);
    assert.equal(list.status, 401);
    assert.deepEqual(list.body, { status: 'Error', error: 'Unauthorized' });
  }
});

test('vcita subscribe: the same event and URL twice is 422 "Webhook already exists", aliases included', async (t) => {
  const { hl, staff1, staff2 } = await setup(t);
  assert.equal((await hl.api('POST', SUBSCRIBE, { event: 'client/created', target_url: 'https://x.example/h' }, staff1)).status, 201);
  for (const event of ['client/created', 'lead/created', 'client/create']) {
    const dup = await hl.api('POST', SUBSCRIBE, { event, target_url: 'https://x.example/h' }, staff1);
    assert.equal(dup.status, 422, event);
    assert.deepEqual(dup.body, { status: 'Error', error: 'Webhook already exists' });
  }
  // Another business, another URL or another event is not a duplicate.
  assert.equal((await hl.api('POST', SUBSCRIBE, { event: 'client/created', target_url: 'https://x.example/h' }, staff2)).status, 201);
  assert.equal((await hl.api('POST', SUBSCRIBE, { event: 'client/created', target_url: 'https://x.example/other' }, staff1)).status, 201);
  assert.equal((await hl.api('POST', SUBSCRIBE, { event: 'client/updated', target_url: 'https://x.example/h' }, staff1)).status, 201);
});

test('vcita list: filters by entity and event type (aliases folded); a staff token sees only its business', async (t) => {
  const { hl, staff1, staff2 } = await setup(t);
  const sub = async (event: string, url: string, token: string) =>
    (await hl.api<ApiVcitaSubscribed>('POST', SUBSCRIBE, { event, target_url: url }, token)).body.data.subscription_id;
  const a = await sub('lead/created', 'https://x.example/a', staff1);
  const b = await sub('client/update', 'https://x.example/b', staff1);
  const c = await sub('appointment/scheduled', 'https://x.example/c', staff1);
  const other = await sub('client/created', 'https://y.example/z', staff2);

  const filtered = await hl.api('GET', `${LIST}?filter[entity]=client&filter[event_type]=created`, undefined, staff1);
  assert.equal(filtered.status, 200);
  assert.deepEqual(filtered.body, { response: { success: 'ok', data: { subscriptions: [{ id: a, entity: 'client', event_type: 'created', url: 'https://x.example/a' }] } } });

  const byAlias = await hl.api<ApiVcitaList>('GET', `${LIST}?filter[entity]=lead`, undefined, staff1);
  assert.deepEqual(byAlias.body.response.data.subscriptions.map((s) => s.id).sort(), [a, b].sort());
  const updates = await hl.api<ApiVcitaList>('GET', `${LIST}?filter[event_type]=update`, undefined, staff1);
  assert.deepEqual(updates.body.response.data.subscriptions.map((s) => s.id), [b]);
  const meetings = await hl.api<ApiVcitaList>('GET', `${LIST}?filter[entity]=appointment`, undefined, staff1);
  assert.deepEqual(meetings.body.response.data.subscriptions, [{ id: c, entity: 'meeting', event_type: 'scheduled', url: 'https://x.example/c' }]);

  const all1 = await hl.api<ApiVcitaList>('GET', LIST, undefined, staff1);
  assert.ok(!all1.body.response.data.subscriptions.some((s) => s.id === other));
  const asOther = await hl.api<ApiVcitaList>('GET', `${LIST}?business=studio-1`, undefined, staff2);
  assert.equal(asOther.status, 404);
  assert.deepEqual(asOther.body, { status: 'Error', error: 'Business not found' });
  const admin = await hl.api<ApiVcitaList>('GET', LIST);
  assert.equal(admin.body.response.data.subscriptions.length, 4);
  const adminOne = await hl.api<ApiVcitaList>('GET', `${LIST}?business_id=studio-2`);
  assert.deepEqual(adminOne.body.response.data.subscriptions.map((s) => s.id), [other]);
});

test('vcita unsubscribe: with an event removes that one; without, every subscription of the exact URL', async (t) => {
  const { hl, staff1, staff2 } = await setup(t);
  for (const event of ['client/created', 'client/updated', 'payment/paid']) {
    assert.equal((await hl.api('POST', SUBSCRIBE, { event, target_url: 'https://x.example/h' }, staff1)).status, 201);
  }
  assert.equal((await hl.api('POST', SUBSCRIBE, { event: 'client/created', target_url: 'https://x.example/keep' }, staff1)).status, 201);
  assert.equal((await hl.api('POST', SUBSCRIBE, { event: 'client/created', target_url: 'https://x.example/h' }, staff2)).status, 201);
  const urls = async (token: string) =>
    (await hl.api<ApiVcitaList>('GET', LIST, undefined, token)).body.response.data.subscriptions.map((s) => `${s.event_type} ${s.url}`).sort();

  const one = await hl.api('POST', UNSUBSCRIBE, { target_url: 'https://x.example/h', event: 'lead/create' }, staff1);
  assert.equal(one.status, 200);
  assert.deepEqual(one.body, { status: 'OK', data: { unsubscribed: true } });
  assert.deepEqual(await urls(staff1), ['created https://x.example/keep', 'paid https://x.example/h', 'updated https://x.example/h']);

  const all = await hl.api('POST', UNSUBSCRIBE, { target_url: 'https://x.example/h' }, staff1);
  assert.deepEqual(all.body, { status: 'OK', data: { unsubscribed: true } });
  assert.deepEqual(await urls(staff1), ['created https://x.example/keep']);
  assert.deepEqual(await urls(staff2), ['created https://x.example/h'], 'another business keeps its own');

  const again = await hl.api('POST', UNSUBSCRIBE, { target_url: 'https://x.example/h' }, staff1);
  assert.deepEqual([again.status, again.body], [200, { status: 'OK', data: { unsubscribed: false } }]);
  const missing = await hl.api<ApiVcitaError>('POST', UNSUBSCRIBE, { event: 'client/created' }, staff1);
  assert.equal(missing.status, 422);
  assert.equal(missing.body.status, 'Error');
  const badEvent = await hl.api('POST', UNSUBSCRIBE, { target_url: 'https://x.example/keep', event: 'unicorn/created' }, staff1);
  assert.equal(badEvent.status, 422);
  const adminNoBusiness = await hl.api('POST', UNSUBSCRIBE, { target_url: 'https://x.example/keep' });
  assert.equal(adminNoBusiness.status, 422);
  const admin = await hl.api('POST', UNSUBSCRIBE, { target_url: 'https://x.example/keep', business: 'studio-1' });
  assert.deepEqual(admin.body, { status: 'OK', data: { unsubscribed: true } });
});
