import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { until } from './helpers/wait.js';
import { INBOX_LIMITS, InboxStore } from '../src/inspector/InboxStore.js';
import type { ApiInbox, ApiInboxRequest, ApiIssuedToken, ApiPage, ApiTestEvent, ApiWebhook } from './helpers/apiShapes.js';

/** Test inboxes: Hookline's own request-inspection URLs (docs/ui.md). */

let hl: TestInstance;
const b = '/v1/businesses/harbour';

before(async () => {
  hl = await startTestHookline();
  await hl.api('POST', '/v1/businesses', { id: 'harbour', name: 'Harbour Yoga' });
  await hl.api('POST', '/v1/businesses', { id: 'other', name: 'Other' });
});
after(() => hl.stop());

const newInbox = async (body: unknown = null) => {
  const r = await hl.api<ApiInbox>('POST', `${b}/inboxes`, body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
};
const requests = async (id: string, after = 0) => (await hl.api<{ inbox: ApiInbox; data: ApiInboxRequest[] }>('GET', `${b}/inboxes/${id}/requests?after=${after}`)).body;

test('a webhook pointed at an inbox: the request is recorded as it arrived, signature verified', async () => {
  const inbox = await newInbox();
  assert.equal(inbox.url, `${hl.url}/inbox/${inbox.id}`);
  const w = await hl.api<ApiWebhook>('POST', `${b}/webhooks`, { name: 'Front desk', url: inbox.url, dialect: 'opus1', events: ['client_create_trigger'] });
  await hl.api<ApiTestEvent>('POST', `${b}/webhooks/${w.body.id}/test`);
  const got = await until('the inbox receives the test event', async () => (await requests(inbox.id)).data[0]);
  assert.equal(got.method, 'POST');
  assert.equal(got.path, `/inbox/${inbox.id}`);
  assert.ok(got.headers.some((h: { name: string; value: string }) => h.name === 'X-Opus1-Trigger' && h.value === 'webhook_test_trigger'), 'header names keep their case');
  assert.match(got.body, /^\{"business":"harbour"/);
  assert.deepEqual(got.signature, { status: 'verified', dialect: 'opus1', webhook_id: w.body.id, webhook_name: 'Front desk', note: null });
});

test("an inbox linked to a webhook says when the signature is another dialect's, and when it is wrong", async () => {
  const w = await hl.api<ApiWebhook>('POST', `${b}/webhooks`, { url: 'https://crm.example.com/a', dialect: 'hapana', events: ['client/created'] });
  const inbox = await newInbox({ webhook_id: w.body.id });
  const standard = await hl.api<ApiWebhook>('POST', `${b}/webhooks`, { url: inbox.url, events: ['client/*'] });
  // The standard webhook's own request verifies under its own dialect.
  await hl.api<ApiTestEvent>('POST', `${b}/webhooks/${standard.body.id}/test`);
  const first = await until('first request', async () => (await requests(inbox.id)).data[0]);
  assert.equal(first.signature.status, 'verified');
  assert.equal(first.signature.webhook_id, standard.body.id);

  // Signed with the hapana webhook's secret but in the opus1 layout: verified, with a note.
  const { createHmac } = await import('node:crypto');
  const body = '{"business":"harbour","id":7}';
  const sig = createHmac('sha256', w.body.secret).update(body).digest('hex');
  await fetch(inbox.url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'X-Opus1-Signature': `sha256=${sig}`, 'X-Opus1-Event-Id': 'evt_1' } });
  const mismatch = (await requests(inbox.id, first.seq)).data[0]!;
  assert.equal(mismatch.signature.status, 'verified');
  assert.equal(mismatch.signature.dialect, 'opus1');
  assert.match(mismatch.signature.note ?? '', /webhook is set to hapana/);

  await fetch(inbox.url, { method: 'POST', body, headers: { 'X-Opus1-Signature': 'sha256=00' } });
  const forged = (await requests(inbox.id, mismatch.seq)).data[0]!;
  assert.equal(forged.signature.status, 'failed');
  assert.equal(forged.signature.webhook_id, w.body.id, "the linked webhook's own check is the reason given");
  assert.match(forged.signature.reason ?? '', /^missing_header: .*x-hapana-signature/i);
});

test('the receiving end takes any method and any body; bodies are cut at 64 KiB but checked whole', async () => {
  const inbox = await newInbox();
  for (const method of ['PUT', 'PATCH', 'DELETE', 'GET']) {
    const r = await fetch(inbox.url, { method, body: method === 'GET' ? undefined : 'plain text', headers: method === 'GET' ? {} : { 'content-type': 'text/plain' } });
    assert.equal(r.status, 200, method);
  }
  const big = 'x'.repeat(INBOX_LIMITS.bodyBytes + 10);
  await fetch(inbox.url, { method: 'POST', body: big, headers: { 'content-type': 'application/octet-stream' } });
  const { data, inbox: info } = await requests(inbox.id);
  assert.deepEqual(data.map((r) => r.method), ['POST', 'GET', 'DELETE', 'PATCH', 'PUT'], 'newest first');
  assert.equal(data[0]!.body.length, INBOX_LIMITS.bodyBytes);
  assert.equal(data[0]!.body_bytes, big.length);
  assert.equal(data[0]!.body_truncated, true);
  assert.equal(data[0]!.signature.status, 'no_webhook');
  assert.equal(info.request_count, 5);
});

test('inboxes belong to their business, are listed and deleted, and unknown ones answer 404', async () => {
  const inbox = await newInbox();
  assert.ok((await hl.api<ApiPage<ApiInbox>>('GET', `${b}/inboxes`)).body.data.some((i) => i.id === inbox.id));
  const otherToken = (await hl.api<ApiIssuedToken>('POST', '/v1/businesses/other/tokens')).body.token;
  assert.equal((await hl.api('GET', `${b}/inboxes/${inbox.id}/requests`, undefined, otherToken)).status, 404);
  assert.equal((await hl.api('GET', `/v1/businesses/other/inboxes/${inbox.id}/requests`)).status, 404, "another business's path does not reach it");
  assert.equal((await hl.api('POST', `${b}/inboxes`, { webhook_id: 'wh_nope' })).status, 404);
  assert.equal((await hl.api('DELETE', `${b}/inboxes/${inbox.id}`)).status, 204);
  const gone = await fetch(inbox.url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  assert.equal(gone.status, 404);
  assert.equal((await hl.api('GET', `${b}/inboxes/${inbox.id}/requests`)).status, 404);
});

test('InboxStore keeps at most 100 inboxes (10 per business) and 200 requests each, dropping the oldest', () => {
  const store = new InboxStore();
  const first = store.create('b', null, 1);
  const keep = store.create('b', null, 2);
  for (let i = 0; i < INBOX_LIMITS.requestsPerInbox + 5; i++) {
    store.record(keep, { received_at: i, method: 'POST', path: '/', headers: [], body: String(i), body_bytes: 1, body_truncated: false, signature: { status: 'no_webhook', reason: '' } });
  }
  assert.equal(keep.requests.length, INBOX_LIMITS.requestsPerInbox);
  assert.equal(keep.requests[0]!.seq, 6);
  assert.equal(keep.dropped, 5);
  for (let i = 0; i < INBOX_LIMITS.perBusiness - 2; i++) store.create('b', null, 10 + i);
  assert.ok(store.get(first.id), 'a business has room for 10');
  store.create('b', null, 50);
  assert.equal(store.get(first.id), undefined, "the business's least recently used inbox went first");
  assert.ok(store.get(keep.id), 'one that just received a request stays');
  assert.equal(store.listOf('b').length, INBOX_LIMITS.perBusiness);
  for (let i = 0; i < INBOX_LIMITS.inboxes; i++) store.create(`business-${i}`, null, 100 + i);
  assert.equal(store.get(keep.id), undefined, 'the least recently used inbox overall goes when all are full');
  assert.equal(store.listOf('b').length, 0);
});

test('InboxStore bounds the bytes one inbox keeps', () => {
  const store = new InboxStore();
  const inbox = store.create('b', null, 1);
  const body = 'y'.repeat(INBOX_LIMITS.bodyBytes);
  for (let i = 0; i < 40; i++) {
    store.record(inbox, { received_at: i, method: 'POST', path: '/', headers: [], body, body_bytes: body.length, body_truncated: false, signature: { status: 'no_webhook', reason: '' } });
  }
  assert.ok(inbox.bytes <= INBOX_LIMITS.bytesPerInbox);
  assert.equal(inbox.requests.length, INBOX_LIMITS.bytesPerInbox / INBOX_LIMITS.bodyBytes);
});
