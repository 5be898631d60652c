import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { startHookline } from '../src/app.js';
import { startTestHookline, apiClient, type ApiClient, type TestInstance } from './helpers/hookline.js';
import { startReceiver } from './helpers/receiver.js';
import { startOtlpCollector, type CollectedSpan } from './helpers/otlpCollector.js';
import { newBusiness } from './helpers/businesses.js';
import { until } from './helpers/wait.js';
import type { ApiAccepted, ApiDelivery, ApiPage, ApiProblem, ApiWebhook } from './helpers/apiShapes.js';

// The SDK's batch processor exports every 5 s by default; its own variable shortens that here.
process.env.OTEL_BSP_SCHEDULE_DELAY = '50';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE}-${PARENT}-01`;
const SPAN = { SERVER: 2, CLIENT: 3 };

/** Publishes through the real API with the given extra headers (the helper's client sends none). */
async function publish(base: string, token: string, b: string, headers: Record<string, string>, body: unknown = { type: 'client/created', data: { id: 1 } }) {
  const res = await fetch(`${base}/v1/businesses/${b}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as ApiAccepted };
}

async function webhook(api: ApiClient, b: string, url: string, extra: Record<string, unknown> = {}): Promise<ApiWebhook> {
  const r = await api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, { url, events: ['client/*'], ...extra });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

const parts = (tp: unknown): { traceId: string; spanId: string; flags: string } => {
  const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(String(tp));
  assert.ok(m, `traceparent ${String(tp)} is well-formed`);
  return { traceId: m[1]!, spanId: m[2]!, flags: m[3]! };
};

const one = (spans: CollectedSpan[], what: string, pred: (s: CollectedSpan) => boolean): CollectedSpan => {
  const found = spans.filter(pred);
  assert.equal(found.length, 1, `one ${what} span (got ${found.length}: ${spans.map((s) => s.name).join(', ')})`);
  return found[0]!;
};

describe('with an OTLP endpoint', () => {
  let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
  let hl: TestInstance;
  before(async () => {
    collector = await startOtlpCollector();
    hl = await startTestHookline({ otlpTracesEndpoint: `${collector.url}/v1/traces` });
  });
  after(async () => {
    await hl.stop();
    await collector.close();
  });

  test('an OTLP collector gets the publish and attempt spans, under the publisher\'s trace, and the receiver continues the HTTP span', async (t) => {
    const ok = await startReceiver();
    t.after(() => ok.close());
    const failing = await startReceiver((_r, res) => { res.statusCode = 500; res.end('no'); });
    t.after(() => failing.close());
    const b = await newBusiness(hl.api);
    const good = await webhook(hl.api, b, ok.url);
    const bad = await webhook(hl.api, b, failing.url, { retry_schedule: [] });

    const pub = await publish(hl.url, hl.adminToken, b, { traceparent: TRACEPARENT, tracestate: 'vendor=abc,other=1' });
    assert.equal(pub.status, 202);
    await ok.waitFor(1);
    await failing.waitFor(1);

    const spans = await until('the spans of both attempts are exported', async () => {
      const attempts = collector.spans.filter((s) => s.name === 'hookline.attempt' && s.attributes['hookline.event.id'] === pub.body.id);
      return attempts.length === 2 ? collector.spans : null;
    });
    const publishSpan = one(spans, 'publish', (s) => s.name === 'POST /v1/businesses/:b/events' && s.traceId === TRACE);
    assert.equal(publishSpan.traceId, TRACE);
    assert.equal(publishSpan.parentSpanId, PARENT, "the publish span's parent is the publisher's span");
    assert.equal(publishSpan.kind, SPAN.SERVER);
    assert.equal(publishSpan.service, 'hookline');
    assert.equal(publishSpan.attributes['hookline.business'], b);
    assert.equal(publishSpan.attributes['hookline.event.type'], 'client/created');
    assert.equal(publishSpan.attributes['hookline.event.id'], pub.body.id);
    assert.equal(publishSpan.attributes['hookline.deliveries'], 2);
    assert.equal(publishSpan.attributes['http.response.status_code'], 202);
    for (const phase of ['hookline.validate', 'hookline.match', 'hookline.store']) {
      assert.equal(one(spans, phase, (s) => s.name === phase && s.traceId === TRACE).parentSpanId, publishSpan.spanId, `${phase} is a child of the publish span`);
    }

    const attemptOf = (w: ApiWebhook): CollectedSpan => one(spans, `attempt to ${w.id}`, (s) => s.name === 'hookline.attempt' && s.attributes['hookline.webhook.id'] === w.id);
    const delivered = attemptOf(good);
    assert.equal(delivered.traceId, TRACE);
    assert.equal(delivered.parentSpanId, publishSpan.spanId, 'the attempt continues the publish span, through the store');
    assert.equal(delivered.attributes['hookline.business'], b);
    assert.equal(delivered.attributes['hookline.event.type'], 'client/created');
    assert.equal(delivered.attributes['http.response.status_code'], 200);
    assert.equal(delivered.attributes['hookline.delivery.status'], 'succeeded');
    assert.equal(delivered.statusCode, 0);
    const http = one(spans, 'HTTP', (s) => s.name === 'POST' && s.parentSpanId === delivered.spanId);
    assert.equal(http.kind, SPAN.CLIENT);
    assert.equal(http.attributes['http.response.status_code'], 200);
    assert.equal(http.attributes['server.address'], '127.0.0.1');
    one(spans, 'render', (s) => s.name === 'hookline.render' && s.parentSpanId === delivered.spanId);
    one(spans, 'record', (s) => s.name === 'hookline.record' && s.parentSpanId === delivered.spanId);

    // The receiver's trace continues the HTTP span, with the publisher's tracestate.
    assert.equal(ok.received[0]!.headers.traceparent, `00-${TRACE}-${http.spanId}-01`);
    assert.equal(ok.received[0]!.headers.tracestate, 'vendor=abc,other=1');

    const refused = attemptOf(bad);
    assert.equal(refused.parentSpanId, publishSpan.spanId);
    assert.equal(refused.statusCode, 2, 'a failed attempt is an error span');
    assert.equal(refused.attributes['error.type'], 'http_status');
    assert.equal(refused.attributes['http.response.status_code'], 500);
    assert.equal(refused.attributes['hookline.delivery.status'], 'failed');
    assert.ok(collector.contentTypes.every((c) => c.startsWith('application/json')), 'spans arrive as OTLP JSON');
  });

  test('a refused publish ends its span as an error with the catalogue code and status', async () => {
    const b = await newBusiness(hl.api);
    const trace = '0af7651916cd43dd8448eb211c80319c';
    const r = await publish(hl.url, hl.adminToken, b, { traceparent: `00-${trace}-${PARENT}-01` }, { type: 'no/such-type', data: {} });
    assert.equal(r.status, 422);
    const span = await until('the refused publish is exported', async () => collector.spans.find((s) => s.name.startsWith('POST ') && s.traceId === trace));
    assert.equal(span.statusCode, 2);
    assert.equal(span.attributes['error.type'], 'UNKNOWN_EVENT_TYPE');
    assert.equal(span.attributes['http.response.status_code'], 422);
  });
});

describe('with tracing off (the default)', () => {
  let hl: TestInstance;
  before(async () => {
    hl = await startTestHookline();
  });
  after(() => hl.stop());

  test('with tracing off, each attempt sends the publisher\'s trace id with a span id of its own, and an event published without one sends none', async (t) => {
    let calls = 0;
    const rx = await startReceiver((_r, res) => { res.statusCode = ++calls === 1 ? 503 : 200; res.end(); });
    t.after(() => rx.close());
    const b = await newBusiness(hl.api);
    await webhook(hl.api, b, rx.url, { retry_schedule: [0] });

    assert.equal((await publish(hl.url, hl.adminToken, b, { traceparent: TRACEPARENT, tracestate: 'vendor=abc' })).status, 202);
    await rx.waitFor(2);
    const [first, second] = rx.received.map((r) => parts(r.headers.traceparent));
    assert.equal(first!.traceId, TRACE);
    assert.equal(second!.traceId, TRACE);
    assert.equal(first!.flags, '01');
    assert.notEqual(first!.spanId, PARENT, "an attempt's span id is its own, not the publisher's");
    assert.notEqual(first!.spanId, second!.spanId, 'each attempt has a fresh span id');
    assert.equal(rx.received[1]!.headers.tracestate, 'vendor=abc');

    assert.equal((await publish(hl.url, hl.adminToken, b, {})).status, 202);
    await rx.waitFor(3);
    assert.equal(rx.received[2]!.headers.traceparent, undefined, 'no trace to continue: none is invented');
    assert.equal(rx.received[2]!.headers.tracestate, undefined);
  });

  test('a webhook cannot set traceparent or tracestate as custom headers: Hookline sets them', async () => {
    const b = await newBusiness(hl.api);
    for (const name of ['traceparent', 'TraceState']) {
      const r = await hl.api<ApiProblem>('POST', `/v1/businesses/${b}/webhooks`, { url: 'http://127.0.0.1:9/x', events: ['*'], headers: { [name]: 'x' } });
      assert.equal(r.status, 422);
      assert.match(r.body.detail ?? '', new RegExp(`"${name}" is set by Hookline`));
    }
  });
});

test('HOOKLINE_PROPAGATE_TRACE=false sends no trace headers', async (t) => {
  const rx = await startReceiver();
  t.after(() => rx.close());
  const hl = await startTestHookline({ propagateTrace: 'false' });
  t.after(() => hl.stop());
  const b = await newBusiness(hl.api);
  await webhook(hl.api, b, rx.url);
  assert.equal((await publish(hl.url, hl.adminToken, b, { traceparent: TRACEPARENT, tracestate: 'vendor=abc' })).status, 202);
  await rx.waitFor(1);
  assert.equal(rx.received[0]!.headers.traceparent, undefined);
  assert.equal(rx.received[0]!.headers.tracestate, undefined);
});

test('journey: the trace survives a restart; the attempt made by the next process continues the publish span stored with the event', async (t) => {
  const collector = await startOtlpCollector();
  t.after(() => collector.close());
  let calls = 0;
  const rx = await startReceiver((_r, res) => { res.statusCode = ++calls === 1 ? 500 : 200; res.end(); });
  t.after(() => rx.close());
  const dir = mkdtempSync(join(tmpdir(), 'hookline-trace-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const adminToken = 'test-admin-token-0123456789';
  const start = () =>
    startHookline(
      loadConfig({}, {
        port: 0, databaseUrl: `file:${join(dir, 'h.db')}`, adminToken, allowPrivateNetworks: true, pollMs: 50, logLevel: 'silent',
        otlpTracesEndpoint: `${collector.url}/v1/traces`,
      }),
      { mode: 'serve', logger: pino({ level: 'silent' }) },
    );

  const first = await start();
  const api = apiClient(first.url!, adminToken);
  const b = await newBusiness(api);
  // Two seconds between attempts: the retry is due after the first process has gone.
  const wh = await webhook(api, b, rx.url, { retry_schedule: [2] });
  const pub = await publish(first.url!, adminToken, b, { traceparent: TRACEPARENT });
  assert.equal(pub.status, 202);
  await rx.waitFor(1);
  await until('the failed first attempt is recorded', async () => {
    const r = await api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${b}/deliveries?event_id=${pub.body.id}`);
    return r.body.data[0]?.status === 'retrying';
  });
  await first.stop();
  const publishSpan = one(collector.spans, 'publish', (s) => s.name === 'POST /v1/businesses/:b/events' && s.traceId === TRACE);

  const second = await start();
  t.after(() => second.stop());
  await rx.waitFor(2);
  const sent = parts(rx.received[1]!.headers.traceparent);
  assert.equal(sent.traceId, TRACE, "the receiver's trace is the publisher's, after a restart");
  assert.notEqual(sent.spanId, parts(rx.received[0]!.headers.traceparent).spanId);

  const retry = await until('the second process exports its attempt', async () =>
    collector.spans.find((s) => s.name === 'hookline.attempt' && s.attributes['hookline.attempt.number'] === 2 && s.attributes['hookline.webhook.id'] === wh.id));
  assert.equal(retry.traceId, TRACE);
  assert.equal(retry.parentSpanId, publishSpan.spanId, "the second process's attempt is a child of the first process's publish span");
  assert.equal(retry.attributes['http.response.status_code'], 200);
  const http = await until('its HTTP span', async () => collector.spans.find((s) => s.name === 'POST' && s.parentSpanId === retry.spanId));
  assert.equal(sent.spanId, http.spanId);
});

test('a collector that is down costs no event: publishes answer 202, receivers get their requests, and the stop does not hang on it', async (t) => {
  // A port that was just free: nothing listens there, so every export is refused.
  const gone = await startReceiver();
  const deadUrl = gone.url;
  await gone.close();
  const rx = await startReceiver();
  t.after(() => rx.close());
  const hl = await startTestHookline({ otlpTracesEndpoint: `${deadUrl}/v1/traces` });
  let stopped = false;
  t.after(() => (stopped ? undefined : hl.stop()));
  const b = await newBusiness(hl.api);
  await webhook(hl.api, b, rx.url);
  for (let i = 0; i < 5; i++) assert.equal((await publish(hl.url, hl.adminToken, b, { traceparent: TRACEPARENT })).status, 202);
  await rx.waitFor(5);
  for (const r of rx.received) assert.equal(parts(r.headers.traceparent).traceId, TRACE);
  const t0 = Date.now();
  await hl.stop();
  stopped = true;
  assert.ok(Date.now() - t0 < 8000, `stopped in ${Date.now() - t0} ms`);
});
