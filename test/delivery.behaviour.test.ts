import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { startReceiver } from './helpers/receiver.js';
import { until, sleep } from './helpers/wait.js';

let hl: TestInstance;
let n = 0;
before(async () => {
  hl = await startTestHookline();
});
after(() => hl.stop());

/** A fresh business per test keeps their delivery logs apart. */
async function business(): Promise<string> {
  const id = `biz-${++n}`;
  await hl.api('POST', '/v1/businesses', { id, name: id });
  return id;
}

async function delivery(b: string, id: string) {
  return (await hl.api('GET', `/v1/businesses/${b}/deliveries/${id}`)).body;
}

async function onlyDelivery(b: string, eventId: string) {
  return until('the delivery exists', async () => (await hl.api('GET', `/v1/businesses/${b}/deliveries?event_id=${eventId}`)).body.data[0]);
}

test('failed attempts are retried on the webhook schedule until one succeeds, each attempt logged', async (t) => {
  const rx = await startReceiver((_r, res) => { res.statusCode = 500; res.end('down for maintenance'); });
  t.after(() => rx.close());
  const b = await business();
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: rx.url, events: ['*'], retry_schedule: [0, 0, 0] });
  let calls = 0;
  rx.setResponder((_r, res) => { calls++; res.statusCode = calls < 3 ? 503 : 200; res.end(calls < 3 ? 'busy' : 'fine'); });
  const ev = (await hl.api('POST', `/v1/businesses/${b}/events`, { type: 'invoice/paid', data: { id: 'i' } })).body;
  const d = await onlyDelivery(b, ev.id);
  const done = await until('succeeded', async () => { const x = await delivery(b, d.id); return x.status === 'succeeded' && x; });
  assert.equal(done.attempt_count, 3);
  assert.deepEqual(done.attempts.map((a: { status_code: number }) => a.status_code), [503, 503, 200]);
  assert.deepEqual(done.attempts.map((a: { error: string | null }) => a.error), ['http_status', 'http_status', null]);
  assert.equal(done.attempts[0].response_body, 'busy');
  assert.equal(done.last_status_code, 200);
  assert.equal(done.next_attempt_at, null);
});

test('retry_schedule [] is fire-and-forget: one attempt, then failed', async (t) => {
  const rx = await startReceiver((_r, res) => { res.statusCode = 500; res.end(); });
  t.after(() => rx.close());
  const b = await business();
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: rx.url, events: ['*'], retry_schedule: [] });
  const ev = (await hl.api('POST', `/v1/businesses/${b}/events`, { type: 'invoice/paid', data: {} })).body;
  const d = await onlyDelivery(b, ev.id);
  const failed = await until('failed', async () => { const x = await delivery(b, d.id); return x.status === 'failed' && x; });
  assert.equal(failed.attempt_count, 1);
  await sleep(300);
  assert.equal(rx.received.length, 1);
});

test('the default schedule keeps a failed delivery retrying with a next attempt in the future', async (t) => {
  const rx = await startReceiver((_r, res) => { res.statusCode = 500; res.end(); });
  t.after(() => rx.close());
  const b = await business();
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: rx.url, events: ['*'] });
  const ev = (await hl.api('POST', `/v1/businesses/${b}/events`, { type: 'invoice/paid', data: {} })).body;
  const d = await onlyDelivery(b, ev.id);
  const retrying = await until('retrying', async () => { const x = await delivery(b, d.id); return x.status === 'retrying' && x; });
  assert.ok(Date.parse(retrying.next_attempt_at) > Date.now());
});

test('redirects are failures and are not followed', async (t) => {
  const rx = await startReceiver((r, res) => {
    if (r.url === '/moved') { res.statusCode = 200; res.end(); return; }
    res.statusCode = 301; res.setHeader('location', '/moved'); res.end();
  });
  t.after(() => rx.close());
  const b = await business();
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: rx.url + '/start', events: ['*'], retry_schedule: [] });
  const ev = (await hl.api('POST', `/v1/businesses/${b}/events`, { type: 'invoice/paid', data: {} })).body;
  const d = await onlyDelivery(b, ev.id);
  const failed = await until('failed', async () => { const x = await delivery(b, d.id); return x.status === 'failed' && x; });
  assert.equal(failed.attempts[0].status_code, 301);
  assert.equal(rx.received.filter((r) => r.url === '/moved').length, 0);
});

test('a receiver slower than timeout_ms gives a timeout attempt', async (t) => {
  const rx = await startReceiver(() => { /* never answers */ });
  t.after(() => rx.close());
  const b = await business();
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: rx.url, events: ['*'], retry_schedule: [], timeout_ms: 300 });
  const ev = (await hl.api('POST', `/v1/businesses/${b}/events`, { type: 'invoice/paid', data: {} })).body;
  const d = await onlyDelivery(b, ev.id);
  const failed = await until('failed', async () => { const x = await delivery(b, d.id); return x.status === 'failed' && x; });
  assert.equal(failed.attempts[0].error, 'timeout');
  assert.equal(failed.attempts[0].status_code, null);
  assert.ok(failed.attempts[0].duration_ms >= 250 && failed.attempts[0].duration_ms < 2000, String(failed.attempts[0].duration_ms));
});

test('a dead endpoint (connection refused) is logged as such', async (t) => {
  const rx = await startReceiver();
  const deadUrl = rx.url;
  await rx.close();
  const b = await business();
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: deadUrl, events: ['*'], retry_schedule: [] });
  const ev = (await hl.api('POST', `/v1/businesses/${b}/events`, { type: 'invoice/paid', data: {} })).body;
  const d = await onlyDelivery(b, ev.id);
  const failed = await until('failed', async () => { const x = await delivery(b, d.id); return x.status === 'failed' && x; });
  assert.equal(failed.attempts[0].error, 'connection_refused');
  t.diagnostic(`attempt: ${JSON.stringify(failed.attempts[0])}`);
});

test('retry now re-sends a failed delivery; replay re-sends every failed one since a time', async (t) => {
  let ok = false;
  const rx = await startReceiver((_r, res) => { res.statusCode = ok ? 200 : 500; res.end(); });
  t.after(() => rx.close());
  const b = await business();
  const wh = (await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: rx.url, events: ['*'], retry_schedule: [] })).body;
  const since = new Date(Date.now() - 1000).toISOString();
  const evs = [];
  for (let i = 0; i < 3; i++) evs.push((await hl.api('POST', `/v1/businesses/${b}/events`, { type: 'invoice/paid', data: { id: String(i) } })).body);
  await until('all failed', async () => {
    const l = (await hl.api('GET', `/v1/businesses/${b}/deliveries?status=failed`)).body.data;
    return l.length === 3;
  });
  ok = true;
  const first = (await hl.api('GET', `/v1/businesses/${b}/deliveries?event_id=${evs[0].id}`)).body.data[0];
  const retried = await hl.api('POST', `/v1/businesses/${b}/deliveries/${first.id}/retry`);
  assert.equal(retried.status, 202);
  await until('retried delivery succeeded', async () => (await delivery(b, first.id)).status === 'succeeded');
  assert.equal((await delivery(b, first.id)).attempt_count, 2);

  const replay = await hl.api('POST', `/v1/businesses/${b}/webhooks/${wh.id}/replay`, { since });
  assert.equal(replay.status, 202);
  assert.equal(replay.body.replayed, 2);
  await until('replayed deliveries succeeded', async () => {
    const l = (await hl.api('GET', `/v1/businesses/${b}/deliveries?status=succeeded`)).body.data;
    return l.length === 3;
  });
  const badSince = await hl.api('POST', `/v1/businesses/${b}/webhooks/${wh.id}/replay`, { since: 'last week' });
  assert.equal(badSince.status, 400);
});

test('send test event reaches only that webhook, as webhook/test', async (t) => {
  const rx = await startReceiver();
  const other = await startReceiver();
  t.after(() => rx.close());
  t.after(() => other.close());
  const b = await business();
  const wh = (await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: rx.url, events: ['client/created'] })).body;
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: other.url, events: ['*'] });
  const r = await hl.api('POST', `/v1/businesses/${b}/webhooks/${wh.id}/test`);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.type, 'webhook/test');
  await rx.waitFor(1);
  assert.equal(JSON.parse(rx.received[0]!.body).type, 'webhook/test');
  await sleep(200);
  assert.equal(other.received.length, 0);
});

test('a 410 Gone disables the webhook at once with a reason; re-enabling resumes its deliveries', async (t) => {
  let gone = true;
  const rx = await startReceiver((_r, res) => { res.statusCode = gone ? 410 : 200; res.end(); });
  t.after(() => rx.close());
  const b = await business();
  const wh = (await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: rx.url, events: ['*'], retry_schedule: [0, 0] })).body;
  const ev = (await hl.api('POST', `/v1/businesses/${b}/events`, { type: 'invoice/paid', data: {} })).body;
  const disabled = await until('disabled', async () => {
    const w = (await hl.api('GET', `/v1/businesses/${b}/webhooks/${wh.id}`)).body;
    return w.enabled === false && w;
  });
  assert.equal(disabled.health.state, 'disabled');
  assert.match(disabled.health.reason, /410/);
  const d = await onlyDelivery(b, ev.id);
  await sleep(300);
  const parked = await delivery(b, d.id);
  assert.equal(parked.status, 'retrying');
  assert.equal(rx.received.length, 1, 'a disabled webhook gets no further attempts');

  gone = false;
  const re = await hl.api('PATCH', `/v1/businesses/${b}/webhooks/${wh.id}`, { enabled: true });
  assert.equal(re.body.health.state, 'healthy');
  await until('resumed and succeeded', async () => (await delivery(b, d.id)).status === 'succeeded');
});

test('a slow endpoint does not delay delivery to a fast one', async (t) => {
  const slow = await startReceiver(() => { /* hangs until its timeout */ });
  const fast = await startReceiver();
  t.after(() => slow.close());
  t.after(() => fast.close());
  const b = await business();
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: slow.url, events: ['*'], timeout_ms: 5000, max_in_flight: 2 });
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: fast.url, events: ['*'] });
  const started = Date.now();
  await hl.api('POST', `/v1/businesses/${b}/events/batch`, { events: Array.from({ length: 200 }, (_, i) => ({ type: 'invoice/paid', data: { id: String(i) } })) });
  await fast.waitFor(200, 4000);
  assert.ok(Date.now() - started < 4000);
  assert.ok(slow.received.length <= 2, `the slow endpoint never has more than max_in_flight attempts open (${slow.received.length})`);
});

test('a 429 with Retry-After pushes the next attempt back at least that long', async (t) => {
  const rx = await startReceiver((_r, res) => { res.statusCode = 429; res.setHeader('retry-after', '30'); res.end('slow down'); });
  t.after(() => rx.close());
  const b = await business();
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: rx.url, events: ['*'], retry_schedule: [1, 1] });
  const ev = (await hl.api('POST', `/v1/businesses/${b}/events`, { type: 'invoice/paid', data: {} })).body;
  const d = await onlyDelivery(b, ev.id);
  const retrying = await until('retrying', async () => { const x = await delivery(b, d.id); return x.status === 'retrying' && x.attempt_count === 1 && x; });
  const wait = Date.parse(retrying.next_attempt_at) - Date.parse(retrying.attempts[0].started_at);
  assert.ok(wait >= 29_000 && wait <= 32_000, `next attempt ${wait} ms after the first, not the schedule's 1 s`);
  assert.equal(retrying.last_status_code, 429);
});
