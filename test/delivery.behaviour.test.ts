import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { newBusiness } from './helpers/businesses.js';
import { startReceiver } from './helpers/receiver.js';
import { until } from './helpers/wait.js';
import { afterClaimLoopTurn } from './helpers/claimLoopTurn.js';
import type { ApiAccepted, ApiDelivery, ApiDeliveryDetail, ApiPage, ApiTestEvent, ApiWebhook } from './helpers/apiShapes.js';

let hl: TestInstance;
before(async () => {
  hl = await startTestHookline();
});
after(() => hl.stop());

async function delivery(b: string, id: string): Promise<ApiDeliveryDetail> {
  return (await hl.api<ApiDeliveryDetail>('GET', `/v1/businesses/${b}/deliveries/${id}`)).body;
}

async function deliveries(b: string, query: string): Promise<ApiDelivery[]> {
  return (await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${b}/deliveries?${query}`)).body.data;
}

async function onlyDelivery(b: string, eventId: string): Promise<ApiDelivery> {
  return until('the delivery exists', async () => (await deliveries(b, `event_id=${eventId}`))[0]);
}

async function publish(b: string, event: { type: string; data: unknown }): Promise<ApiAccepted> {
  const r = await hl.api<ApiAccepted>('POST', `/v1/businesses/${b}/events`, event);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return r.body;
}

async function createWebhook(b: string, fields: Record<string, unknown>): Promise<ApiWebhook> {
  const r = await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, fields);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

test('failed attempts are retried on the webhook schedule until one succeeds, each attempt logged', async (t) => {
  let calls = 0;
  const rx = await startReceiver((_r, res) => { calls++; res.statusCode = calls < 3 ? 503 : 200; res.end(calls < 3 ? 'busy' : 'fine'); });
  t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  await createWebhook(b, { url: rx.url, events: ['*'], retry_schedule: [0, 0, 0] });
  const ev = await publish(b, { type: 'invoice/paid', data: { id: 'i' } });
  const d = await onlyDelivery(b, ev.id);
  const done = await until('succeeded', async () => { const x = await delivery(b, d.id); return x.status === 'succeeded' && x; });
  assert.equal(done.attempt_count, 3);
  assert.equal(calls, 3, 'the receiver answered each attempt itself');
  assert.deepEqual(done.attempts.map((a) => a.status_code), [503, 503, 200]);
  assert.deepEqual(done.attempts.map((a) => a.error), ['http_status', 'http_status', null]);
  assert.deepEqual(done.attempts.map((a) => a.response_body), ['busy', 'busy', 'fine']);
  assert.equal(done.last_status_code, 200);
  assert.equal(done.next_attempt_at, null);
});

test('retry_schedule [] is fire-and-forget: one attempt, then failed', async (t) => {
  const rx = await startReceiver((_r, res) => { res.statusCode = 500; res.end(); });
  t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  await createWebhook(b, { url: rx.url, events: ['*'], retry_schedule: [] });
  const ev = await publish(b, { type: 'invoice/paid', data: {} });
  const d = await onlyDelivery(b, ev.id);
  const failed = await until('failed', async () => { const x = await delivery(b, d.id); return x.status === 'failed' && x; });
  assert.equal(failed.attempt_count, 1);
  assert.equal(failed.next_attempt_at, null, 'nothing is planned');
  await afterClaimLoopTurn(hl.api, b);
  assert.equal(rx.received.length, 1, 'the claim loop has run since, and sent nothing more');
  assert.equal((await delivery(b, d.id)).attempt_count, 1);
});

test('the default schedule retries a failed first attempt 5 s later, give or take its 20 % jitter', async (t) => {
  const rx = await startReceiver((_r, res) => { res.statusCode = 500; res.end(); });
  t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  await createWebhook(b, { url: rx.url, events: ['*'] });
  const ev = await publish(b, { type: 'invoice/paid', data: {} });
  const d = await onlyDelivery(b, ev.id);
  const retrying = await until('retrying', async () => { const x = await delivery(b, d.id); return x.status === 'retrying' && x; });
  assert.equal(retrying.attempt_count, 1);
  // docs/delivery.md: the first step of the default schedule is 5 s, times a factor in [0.8, 1.2],
  // counted from when the attempt's result reached the policy: after the attempt ended, by the hop
  // from the sending thread (up to a second on a loaded machine), the only slack allowed on top.
  const first = retrying.attempts[0]!;
  const ended = Date.parse(first.started_at) + first.duration_ms;
  const wait = Date.parse(retrying.next_attempt_at!) - ended;
  assert.ok(wait >= 4000 - 5 && wait <= 6000 + 1000, `next attempt ${wait} ms after the first ended, not 4–6 s`);
});

test('redirects are failures and are not followed', async (t) => {
  const rx = await startReceiver((r, res) => {
    if (r.url === '/moved') { res.statusCode = 200; res.end(); return; }
    res.statusCode = 301; res.setHeader('location', '/moved'); res.end();
  });
  t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  await createWebhook(b, { url: rx.url + '/start', events: ['*'], retry_schedule: [] });
  const ev = await publish(b, { type: 'invoice/paid', data: {} });
  const d = await onlyDelivery(b, ev.id);
  const failed = await until('failed', async () => { const x = await delivery(b, d.id); return x.status === 'failed' && x; });
  assert.equal(failed.attempts[0]!.status_code, 301);
  assert.equal(rx.received.filter((r) => r.url === '/moved').length, 0);
});

test('a receiver slower than timeout_ms gives a timeout attempt', async (t) => {
  const rx = await startReceiver(() => { /* never answers */ });
  t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  await createWebhook(b, { url: rx.url, events: ['*'], retry_schedule: [], timeout_ms: 300 });
  const ev = await publish(b, { type: 'invoice/paid', data: {} });
  const d = await onlyDelivery(b, ev.id);
  const failed = await until('failed', async () => { const x = await delivery(b, d.id); return x.status === 'failed' && x; });
  assert.equal(failed.attempts[0]!.error, 'timeout');
  assert.equal(failed.attempts[0]!.status_code, null);
  assert.ok(failed.attempts[0]!.duration_ms >= 250 && failed.attempts[0]!.duration_ms < 2000, String(failed.attempts[0]!.duration_ms));
});

test('a dead endpoint (connection refused) is logged as such', async (t) => {
  const rx = await startReceiver();
  const deadUrl = rx.url;
  await rx.close();
  const b = await newBusiness(hl.api);
  await createWebhook(b, { url: deadUrl, events: ['*'], retry_schedule: [] });
  const ev = await publish(b, { type: 'invoice/paid', data: {} });
  const d = await onlyDelivery(b, ev.id);
  const failed = await until('failed', async () => { const x = await delivery(b, d.id); return x.status === 'failed' && x; });
  assert.equal(failed.attempts[0]!.error, 'connection_refused');
  t.diagnostic(`attempt: ${JSON.stringify(failed.attempts[0])}`);
});

test('retry now re-sends a failed delivery; replay re-sends every failed one since a time', async (t) => {
  let ok = false;
  const rx = await startReceiver((_r, res) => { res.statusCode = ok ? 200 : 500; res.end(); });
  t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  const wh = await createWebhook(b, { url: rx.url, events: ['*'], retry_schedule: [] });
  const since = new Date(Date.now() - 1000).toISOString();
  const evs: ApiAccepted[] = [];
  for (let i = 0; i < 3; i++) evs.push(await publish(b, { type: 'invoice/paid', data: { id: String(i) } }));
  await until('all failed', async () => (await deliveries(b, 'status=failed')).length === 3);
  ok = true;
  const first = await onlyDelivery(b, evs[0]!.id);
  const retried = await hl.api<ApiDelivery>('POST', `/v1/businesses/${b}/deliveries/${first.id}/retry`);
  assert.equal(retried.status, 202);
  await until('retried delivery succeeded', async () => (await delivery(b, first.id)).status === 'succeeded');
  assert.equal((await delivery(b, first.id)).attempt_count, 2);

  const replay = await hl.api<{ replayed: number; since: string }>('POST', `/v1/businesses/${b}/webhooks/${wh.id}/replay`, { since });
  assert.equal(replay.status, 202);
  assert.equal(replay.body.replayed, 2);
  await until('replayed deliveries succeeded', async () => (await deliveries(b, 'status=succeeded')).length === 3);
  const badSince = await hl.api('POST', `/v1/businesses/${b}/webhooks/${wh.id}/replay`, { since: 'last week' });
  assert.equal(badSince.status, 400);
});

test('send test event reaches only that webhook, as webhook/test', async (t) => {
  const rx = await startReceiver();
  const other = await startReceiver();
  t.after(() => rx.close());
  t.after(() => other.close());
  const b = await newBusiness(hl.api);
  const wh = await createWebhook(b, { url: rx.url, events: ['client/created'] });
  const everything = await createWebhook(b, { url: other.url, events: ['*'] });
  const r = await hl.api<ApiTestEvent>('POST', `/v1/businesses/${b}/webhooks/${wh.id}/test`);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.type, 'webhook/test');
  // The event and its deliveries are stored before the 202: the log is the whole story.
  assert.deepEqual((await deliveries(b, `event_id=${r.body.id}`)).map((d) => d.webhook_id), [wh.id]);
  await rx.waitFor(1);
  assert.equal(JSON.parse(rx.received[0]!.body).type, 'webhook/test');
  // A later event reaches the `*` webhook; the test event, published first, would have been ahead of it.
  await publish(b, { type: 'client/created', data: { id: 'c1', name: 'Ada' } });
  await other.waitFor(1);
  await until('the later event is recorded', async () => (await deliveries(b, `webhook_id=${everything.id}&status=succeeded`)).length === 1);
  assert.deepEqual(other.received.map((x) => JSON.parse(x.body).type), ['client/created'], 'the `*` webhook never got the test event');
});

test('a 410 Gone disables the webhook at once with a reason; re-enabling resumes its deliveries', async (t) => {
  let gone = true;
  const rx = await startReceiver((_r, res) => { res.statusCode = gone ? 410 : 200; res.end(); });
  t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  const wh = await createWebhook(b, { url: rx.url, events: ['*'], retry_schedule: [0, 0] });
  const ev = await publish(b, { type: 'invoice/paid', data: {} });
  const disabled = await until('disabled', async () => {
    const w = (await hl.api<ApiWebhook>('GET', `/v1/businesses/${b}/webhooks/${wh.id}`)).body;
    return w.enabled === false && w;
  });
  assert.equal(disabled.health.state, 'disabled');
  assert.match(disabled.health.reason ?? '', /410/);
  const d = await onlyDelivery(b, ev.id);
  // Parked: still retrying (attempts left), but with no time, so no claim can take it.
  const parked = await until('parked', async () => { const x = await delivery(b, d.id); return x.next_attempt_at === null && x; });
  assert.equal(parked.status, 'retrying');
  assert.equal(parked.attempt_count, 1);
  await afterClaimLoopTurn(hl.api, b);
  assert.equal(rx.received.length, 1, 'a disabled webhook gets no further attempts');

  gone = false;
  const re = await hl.api<ApiWebhook>('PATCH', `/v1/businesses/${b}/webhooks/${wh.id}`, { enabled: true });
  assert.equal(re.body.health.state, 'healthy');
  await until('resumed and succeeded', async () => (await delivery(b, d.id)).status === 'succeeded');
});

test('a slow endpoint does not delay delivery to a fast one', async (t) => {
  const slow = await startReceiver(() => { /* hangs until its timeout */ });
  const fast = await startReceiver();
  t.after(() => slow.close());
  t.after(() => fast.close());
  const b = await newBusiness(hl.api);
  await createWebhook(b, { url: slow.url, events: ['*'], timeout_ms: 5000, max_in_flight: 2 });
  await createWebhook(b, { url: fast.url, events: ['*'] });
  const started = Date.now();
  await hl.api('POST', `/v1/businesses/${b}/events/batch`, { events: Array.from({ length: 200 }, (_, i) => ({ type: 'invoice/paid', data: { id: String(i) } })) });
  await fast.waitFor(200, 4000);
  assert.ok(Date.now() - started < 4000);
  assert.ok(slow.received.length <= 2, `the slow endpoint never has more than max_in_flight attempts open (${slow.received.length})`);
});

test('a 429 with Retry-After pushes the next attempt back at least that long', async (t) => {
  const rx = await startReceiver((_r, res) => { res.statusCode = 429; res.setHeader('retry-after', '30'); res.end('slow down'); });
  t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  await createWebhook(b, { url: rx.url, events: ['*'], retry_schedule: [1, 1] });
  const ev = await publish(b, { type: 'invoice/paid', data: {} });
  const d = await onlyDelivery(b, ev.id);
  const retrying = await until('retrying', async () => { const x = await delivery(b, d.id); return x.status === 'retrying' && x.attempt_count === 1 && x; });
  const wait = Date.parse(retrying.next_attempt_at!) - Date.parse(retrying.attempts[0]!.started_at);
  assert.ok(wait >= 29_000 && wait <= 32_000, `next attempt ${wait} ms after the first, not the schedule's 1 s`);
  assert.equal(retrying.last_status_code, 429);
});
