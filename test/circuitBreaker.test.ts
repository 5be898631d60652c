import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { newBusiness } from './helpers/businesses.js';
import { startReceiver } from './helpers/receiver.js';
import { until, sleep } from './helpers/wait.js';
import type { ApiDelivery, ApiDeliveryDetail, ApiPage, ApiWebhook } from './helpers/apiShapes.js';

let hl: TestInstance;
before(async () => {
  // Short probe and disable windows so a test sees a week's behaviour in seconds.
  hl = await startTestHookline({ probeMs: 200, disableAfterMs: 60_000 });
});
after(() => hl.stop());

const readWebhook = async (b: string, id: string) => (await hl.api<ApiWebhook>('GET', `/v1/businesses/${b}/webhooks/${id}`)).body;
const deliveriesOf = async (b: string, webhookId: string) => (await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${b}/deliveries?webhook_id=${webhookId}&limit=100`)).body.data;

test('after 5 failures the circuit opens: deliveries wait without spending attempts, probes go at growing intervals, one success closes it', async (t) => {
  let up = false;
  const rx = await startReceiver((_r, res) => {
    res.statusCode = up ? 200 : 503;
    res.end();
  });
  t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  const wh = (await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, { url: rx.url, events: ['*'], max_in_flight: 1, retry_schedule: Array(20).fill(0) })).body;
  const events = Array.from({ length: 20 }, (_, i) => ({ type: 'invoice/paid', data: { n: i } }));
  assert.equal((await hl.api('POST', `/v1/businesses/${b}/events/batch`, { events })).status, 202);

  const open = await until('unhealthy', async () => {
    const w = await readWebhook(b, wh.id);
    return w.health.state === 'unhealthy' && w;
  });
  assert.equal(open.health.consecutive_failures >= 5, true);
  assert.match(open.health.reason ?? '', /consecutive failed attempts; last: HTTP 503/);
  assert.ok(open.enabled, 'an open circuit does not disable the webhook');

  const atOpen = rx.received.length;
  await sleep(1700);
  const probes = rx.received.slice(atOpen).map((r) => r.at);
  // 200 ms, then 400, then 800: three probes in 1.7 s, never two at once, never a burst.
  assert.ok(probes.length >= 2 && probes.length <= 4, `${probes.length} probes while open`);
  for (let i = 2; i < probes.length; i++) assert.ok(probes[i]! - probes[i - 1]! > (probes[i - 1]! - probes[i - 2]!) * 1.5, 'intervals grow');
  const waiting = await deliveriesOf(b, wh.id);
  const attempts = waiting.reduce((sum: number, d: { attempt_count: number }) => sum + d.attempt_count, 0);
  assert.equal(attempts, rx.received.length, 'every request is an attempt, and no others were spent');
  assert.ok(attempts < 12, `${attempts} attempts in all, not 20 × 21`);
  assert.ok(waiting.some((d: { next_attempt_at: string | null; status: string }) => d.status !== 'succeeded' && d.next_attempt_at === null), 'parked deliveries have no next attempt');

  up = true;
  // The next probe may be 1.6 s away, or 3.2 s if the one before it came before `up` (a slow
  // turn of this test on a loaded machine), or 6.4 s after that: wait for the schedule, not less.
  await until('all 20 delivered', async () => (await deliveriesOf(b, wh.id)).every((d: { status: string }) => d.status === 'succeeded'), 30_000);
  // Health is written in batches (every 200 ms), so the API shows it a moment later.
  const closed = await until('healthy again', async () => {
    const w = await readWebhook(b, wh.id);
    return w.health.state === 'healthy' && w;
  });
  assert.equal(closed.health.consecutive_failures, 0);
});

test('a healthy endpoint next to a broken one keeps its pace', async (t) => {
  const broken = await startReceiver((_r, res) => {
    res.statusCode = 500;
    res.end();
  });
  const fine = await startReceiver();
  t.after(() => broken.close());
  t.after(() => fine.close());
  const b = await newBusiness(hl.api);
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: broken.url, events: ['*'], retry_schedule: Array(10).fill(0) });
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: fine.url, events: ['*'] });
  const started = Date.now();
  for (let i = 0; i < 5; i++) {
    const events = Array.from({ length: 100 }, (_, j) => ({ type: 'invoice/paid', data: { n: i * 100 + j } }));
    assert.equal((await hl.api('POST', `/v1/businesses/${b}/events/batch`, { events })).status, 202);
  }
  await fine.waitFor(500, 5000);
  t.diagnostic(`500 deliveries to the healthy endpoint in ${Date.now() - started} ms; the broken one got ${broken.received.length} requests`);
  assert.ok(broken.received.length < 60, 'the open circuit keeps the broken endpoint from eating retries');
});

test('an endpoint unhealthy for longer than HOOKLINE_DISABLE_AFTER_MS is disabled with a reason; enabling it resumes its deliveries', async (t) => {
  const quick = await startTestHookline({ probeMs: 100, disableAfterMs: 1200 });
  t.after(() => quick.stop());
  let up = false;
  const rx = await startReceiver((_r, res) => {
    res.statusCode = up ? 200 : 500;
    res.end();
  });
  t.after(() => rx.close());
  await quick.api('POST', '/v1/businesses', { id: 'dis', name: 'dis' });
  const wh = (await quick.api<ApiWebhook>('POST', '/v1/businesses/dis/webhooks', { url: rx.url, events: ['*'], max_in_flight: 1, retry_schedule: Array(30).fill(0) })).body;
  const events = Array.from({ length: 8 }, (_, i) => ({ type: 'invoice/paid', data: { n: i } }));
  await quick.api('POST', '/v1/businesses/dis/events/batch', { events });
  const disabled = await until('disabled', async () => {
    const w = (await quick.api<ApiWebhook>('GET', `/v1/businesses/dis/webhooks/${wh.id}`)).body;
    return w.health.state === 'disabled' && w;
  }, 30_000);
  assert.equal(disabled.enabled, false);
  assert.match(disabled.health.reason ?? '', /^Failing for \d+ min/);
  const before = rx.received.length;
  await sleep(500);
  assert.equal(rx.received.length, before, 'a disabled webhook gets nothing');

  up = true;
  const re = await quick.api<ApiWebhook>('PATCH', `/v1/businesses/dis/webhooks/${wh.id}`, { enabled: true });
  assert.equal(re.body.health.state, 'healthy');
  await until('resumed', async () => {
    const list = (await quick.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/dis/deliveries?webhook_id=${wh.id}`)).body.data;
    return list.length === 8 && list.every((d: { status: string }) => d.status === 'succeeded');
  }, 10_000);
});

test('deleting a webhook whose circuit is open fails its parked deliveries without another attempt', async (t) => {
  const rx = await startReceiver((_r, res) => {
    res.statusCode = 500;
    res.end();
  });
  t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  const wh = (await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, { url: rx.url, events: ['*'], max_in_flight: 1, retry_schedule: Array(20).fill(0) })).body;
  const events = Array.from({ length: 10 }, (_, i) => ({ type: 'invoice/paid', data: { n: i } }));
  await hl.api('POST', `/v1/businesses/${b}/events/batch`, { events });
  await until('unhealthy', async () => (await readWebhook(b, wh.id)).health.state === 'unhealthy');
  const ids = (await deliveriesOf(b, wh.id)).map((d: { id: string }) => d.id);
  assert.equal((await hl.api('DELETE', `/v1/businesses/${b}/webhooks/${wh.id}`)).status, 204);
  const sent = rx.received.length;
  await until('all failed', async () => {
    const all = await Promise.all(ids.map(async (id: string) => (await hl.api<ApiDeliveryDetail>('GET', `/v1/businesses/${b}/deliveries/${id}`)).body.status));
    return all.every((s) => s === 'failed');
  });
  assert.ok(rx.received.length <= sent + 1, 'no attempts after the delete (one probe may have been on its way)');
});
