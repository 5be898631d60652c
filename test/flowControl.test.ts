import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { newBusiness } from './helpers/businesses.js';
import { peak } from './helpers/peak.js';
import { startReceiver } from './helpers/receiver.js';
import { until, sleep } from './helpers/wait.js';
import type { ApiBatchAccepted, ApiDelivery, ApiPage } from './helpers/apiShapes.js';

let hl: TestInstance;
before(async () => {
  hl = await startTestHookline();
});
after(() => hl.stop());

async function publishMany(b: string, count: number, prefix = 'e'): Promise<string[]> {
  const events = Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${String(i).padStart(4, '0')}`, type: 'invoice/paid', data: { n: i } }));
  const r = await hl.api<ApiBatchAccepted>('POST', `/v1/businesses/${b}/events/batch`, { events });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return events.map((e) => e.id);
}

test('rate_limit 20/s holds: no three seconds see more than 60 (+15 %), and 80 deliveries take about 4 s', async (t) => {
  const rx = await startReceiver();
  t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: rx.url, events: ['*'], rate_limit: 20 });
  const started = Date.now();
  await publishMany(b, 80);
  await rx.waitFor(80, 10_000);
  const took = Date.now() - started;
  const times = rx.received.map((r) => r.at);
  t.diagnostic(`80 deliveries in ${took} ms, busiest second ${peak(times, 1000)}, busiest three seconds ${peak(times, 3000)}`);
  // Arrival times are taken in this test process: a stall here bunches requests sent apart, so
  // three-second windows (60 allowed, +15 %) judge the rate rather than single seconds.
  assert.ok(peak(times, 3000) <= 69, `busiest three seconds had ${peak(times, 3000)} requests`);
  assert.ok(took >= 3500 && took < 6000, `took ${took} ms`);
});

test('max_in_flight 2: the receiver never has more than 2 requests open at once', async (t) => {
  let open = 0;
  let most = 0;
  const rx = await startReceiver((_r, res) => {
    open++;
    most = Math.max(most, open);
    setTimeout(() => {
      open--;
      res.end('ok');
    }, 30);
  });
  t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: rx.url, events: ['*'], max_in_flight: 2 });
  await publishMany(b, 40);
  await rx.waitFor(40, 10_000);
  assert.equal(most, 2);
});

test('a 429 pauses the whole endpoint until Retry-After, not just the delivery it refused', async (t) => {
  let first = true;
  const rx = await startReceiver((_r, res) => {
    if (first) {
      first = false;
      res.statusCode = 429;
      res.setHeader('retry-after', '1');
      return res.end('slow down');
    }
    res.end('ok');
  });
  t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: rx.url, events: ['*'], max_in_flight: 1, retry_schedule: [1] });
  await publishMany(b, 5);
  await rx.waitFor(6, 10_000);
  const [refused, next] = rx.received;
  const gap = next!.at - refused!.at;
  assert.ok(gap >= 950, `the next request came ${gap} ms after the 429`);
  const list = (await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${b}/deliveries?limit=10`)).body.data;
  await until('all succeeded', async () => (await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${b}/deliveries?status=succeeded`)).body.data.length === 5);
  assert.equal(list.length, 5);
});

test('429s without Retry-After pause the endpoint 1 s, then 2 s, and it goes back to full speed after', async (t) => {
  let calls = 0;
  const rx = await startReceiver((_r, res) => {
    calls++;
    res.statusCode = calls <= 2 ? 429 : 200;
    res.end();
  });
  t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: rx.url, events: ['*'], max_in_flight: 1, retry_schedule: [0, 0] });
  await publishMany(b, 10);
  await rx.waitFor(12, 10_000);
  const times = rx.received.map((r) => r.at);
  assert.ok(times[1]! - times[0]! >= 950, `first pause ${times[1]! - times[0]!} ms`);
  assert.ok(times[2]! - times[1]! >= 1900, `second pause ${times[2]! - times[1]!} ms`);
  assert.ok(times[11]! - times[2]! < 1000, `the rest went without pauses (${times[11]! - times[2]!} ms)`);
});

test('fifo: one at a time in event order, and a failing head holds the rest back until it succeeds', async (t) => {
  let open = 0;
  let most = 0;
  let headFailures = 0;
  const rx = await startReceiver((r, res) => {
    open++;
    most = Math.max(most, open);
    const id = JSON.parse(r.body).id as string;
    setTimeout(() => {
      open--;
      if (id === 'f-0003' && headFailures < 2) {
        headFailures++;
        res.statusCode = 503;
      }
      res.end();
    }, 5);
  });
  t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: rx.url, events: ['*'], ordering: 'fifo', max_in_flight: 10, retry_schedule: [1, 1, 1] });
  const ids = await publishMany(b, 12, 'f');
  await until('all delivered', async () => (await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${b}/deliveries?status=succeeded`)).body.data.length === 12, 20_000);
  const order = rx.received.map((r) => JSON.parse(r.body).id as string);
  assert.equal(most, 1, 'never more than one request open');
  assert.deepEqual(order, [...ids.slice(0, 4), 'f-0003', 'f-0003', ...ids.slice(4)], 'the head is retried before anything behind it goes');
  const head = rx.received.filter((r) => JSON.parse(r.body).id === 'f-0003').map((r) => r.at);
  assert.ok(head[1]! - head[0]! >= 950, 'the retry waited for the schedule');
});

test('fifo: deliveries published in separate calls go in the order they were published', async (t) => {
  const rx = await startReceiver();
  t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: rx.url, events: ['*'], ordering: 'fifo' });
  const ids: string[] = [];
  for (let i = 0; i < 15; i++) {
    const id = `s-${String(i).padStart(3, '0')}`;
    ids.push(id);
    assert.equal((await hl.api('POST', `/v1/businesses/${b}/events`, { id, type: 'invoice/paid', data: {} })).status, 202);
  }
  await rx.waitFor(15, 10_000);
  await sleep(100);
  assert.deepEqual(rx.received.map((r) => JSON.parse(r.body).id), ids);
});
