import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline } from './helpers/hookline.js';
import { startReceiver } from './helpers/receiver.js';
import { until } from './helpers/wait.js';
import {
  answersTenMegabytes,
  closesKeepAliveAtRandom,
  hangsForever,
  malformedResponse,
  redirectsInternally,
  resetsMidResponse,
  tricklesOneByteASecond,
  type Hostile,
} from './helpers/hostileReceivers.js';
import type { ApiDelivery, ApiDeliveryDetail, ApiPage, ApiWebhook } from './helpers/apiShapes.js';

/** A seeded generator, so a failure can be replayed. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Attempt {
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  response_body: string | null;
}

test('hostile receivers each end in a recorded attempt with the right code, in bounded time and memory, while a healthy endpoint gets its 500 deliveries promptly', { timeout: 60_000 }, async (t) => {
  const hl = await startTestHookline();
  t.after(() => hl.stop());
  const metadata = await startReceiver();
  const healthy = await startReceiver();
  t.after(() => metadata.close());
  t.after(() => healthy.close());
  const seed = Number(process.env.HOSTILE_SEED ?? Date.now() % 100_000);
  t.diagnostic(`seed ${seed} (HOSTILE_SEED=${seed} replays it)`);
  const hostile: Record<string, Hostile> = {
    hang: await hangsForever(),
    trickle: await tricklesOneByteASecond(),
    huge: await answersTenMegabytes(),
    reset: await resetsMidResponse(),
    redirect: await redirectsInternally(`${metadata.url}/latest/meta-data/iam/security-credentials/`),
    malformed: await malformedResponse(),
    flaky: await closesKeepAliveAtRandom(mulberry32(seed)),
  };
  for (const h of Object.values(hostile)) t.after(() => h.close());

  await hl.api('POST', '/v1/businesses', { id: 'hostile', name: 'Hostile' });
  const TIMEOUT = 1500;
  const ids: Record<string, string> = {};
  for (const [name, h] of Object.entries(hostile)) {
    const flaky = name === 'flaky';
    const r = await hl.api<ApiWebhook>('POST', '/v1/businesses/hostile/webhooks', {
      name,
      url: h.url,
      events: ['client/created'],
      timeout_ms: TIMEOUT,
      retry_schedule: flaky ? Array(10).fill(0) : [],
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    ids[name] = r.body.id;
  }
  await hl.api('POST', '/v1/businesses/hostile/webhooks', { url: healthy.url, events: ['invoice/paid'] });
  /** Publishes 500 events for the healthy endpoint and returns how long until it had them all. */
  const healthyRun = async (round: number): Promise<number> => {
    const started = Date.now();
    for (let i = 0; i < 5; i++) {
      const events = Array.from({ length: 100 }, (_, j) => ({ type: 'invoice/paid', data: { id: `${round}-${i * 100 + j}` } }));
      assert.equal((await hl.api('POST', '/v1/businesses/hostile/events/batch', { events })).status, 202);
    }
    await healthy.waitFor(500 * round, 20_000);
    return Date.now() - started;
  };
  // The same machine's pace with nobody misbehaving is the yardstick (test machines are shared).
  const alone = await healthyRun(1);
  const rssBefore = process.memoryUsage().rss;

  // The hostile endpoints get their traffic first, and keep it while the healthy one is served.
  const hostileEvents = Array.from({ length: 12 }, (_, i) => ({ type: 'client/created', data: { id: i } }));
  assert.equal((await hl.api('POST', '/v1/businesses/hostile/events/batch', { events: hostileEvents })).status, 202);
  const beside = await healthyRun(2);
  t.diagnostic(`the healthy endpoint had 500 deliveries in ${alone} ms alone, ${beside} ms beside the hostile ones`);
  assert.ok(beside <= Math.max(2 * alone, alone + 1500), `500 deliveries took ${beside} ms beside the hostile endpoints, ${alone} ms alone`);

  const attemptsOf = async (name: string): Promise<Attempt[]> => {
    const list = (await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/hostile/deliveries?webhook_id=${ids[name]}&limit=50`)).body.data as { id: string }[];
    const out: Attempt[] = [];
    for (const d of list) out.push(...(await hl.api<ApiDeliveryDetail>('GET', `/v1/businesses/hostile/deliveries/${d.id}`)).body.attempts);
    return out;
  };
  const settled = async (name: string, n: number): Promise<Attempt[]> =>
    until(`${name}: ${n} attempts recorded`, async () => {
      const a = await attemptsOf(name);
      return a.length >= n && a;
    }, 15_000);

  for (const [name, expected] of [['hang', 'timeout'], ['trickle', 'timeout'], ['reset', 'connection_reset'], ['malformed', 'invalid_response']] as const) {
    const attempts = await settled(name, 5);
    for (const a of attempts) {
      assert.equal(a.error, expected, `${name}: ${JSON.stringify(a)}`);
      assert.equal(a.status_code, null, name);
      assert.ok(a.duration_ms <= TIMEOUT + 1000, `${name}: an attempt took ${a.duration_ms} ms`);
    }
  }

  const huge = await settled('huge', 5);
  for (const a of huge) {
    assert.deepEqual([a.status_code, a.error], [200, null], 'a complete status with a cut body is a response');
    assert.ok(Buffer.byteLength(a.response_body ?? '') <= 4096);
  }
  const perResponse = hostile.huge!.bytesWritten / hostile.huge!.requests;
  t.diagnostic(`10 MB receiver: ${hostile.huge!.requests} requests, ${Math.round(perResponse / 1024)} KiB written per response`);
  assert.ok(perResponse < 8 * 1024 * 1024, 'Hookline hung up long before reading 10 MB');

  const redirect = await settled('redirect', 5);
  for (const a of redirect) assert.deepEqual([a.status_code, a.error], [301, 'http_status']);
  assert.equal(metadata.received.length, 0, 'the redirect to an internal address was not followed');

  await until('the flaky endpoint got every delivery in the end', async () => {
    const list = (await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/hostile/deliveries?webhook_id=${ids.flaky}&limit=50`)).body.data as { status: string }[];
    return list.length === 12 && list.every((d) => d.status === 'succeeded');
  }, 20_000);
  const flakyErrors = new Set((await attemptsOf('flaky')).map((a) => a.error));
  flakyErrors.delete(null);
  assert.ok([...flakyErrors].every((e) => e === 'connection_reset'), `flaky endpoint errors: ${[...flakyErrors].join(', ')}`);

  const grown = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
  t.diagnostic(`resident memory grew ${grown.toFixed(0)} MiB`);
  assert.ok(grown < 150, `memory grew ${grown.toFixed(0)} MiB`);
});
