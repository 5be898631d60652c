import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadConfig } from '../src/config.js';
import { parseTraceContext, formatTraceparent } from '../src/tracing/traceContext.js';
import { startTestHookline } from './helpers/hookline.js';
import { startReceiver } from './helpers/receiver.js';
import { newBusiness } from './helpers/businesses.js';
import type { ApiWebhook } from './helpers/apiShapes.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

/** Shapes a publisher's trace headers take on a bad day; none of them may refuse or break a publish. */
const MALFORMED: string[] = [
  '',
  ' ',
  'null',
  '[]',
  '{"traceId":"x"}',
  '00',
  `00-${TRACE}`,
  `00-${TRACE}-${SPAN}`,
  `00-${TRACE}-${SPAN}-0`,
  `00-${TRACE.toUpperCase()}-${SPAN}-01`,
  `00-${'0'.repeat(32)}-${SPAN}-01`,
  `00-${TRACE}-${'0'.repeat(16)}-01`,
  `ff-${TRACE}-${SPAN}-01`,
  `00-${TRACE}-${SPAN}-01-extra`,
  `0-${TRACE}-${SPAN}-01`,
  `00_${TRACE}_${SPAN}_01`,
  `00-${TRACE}x-${SPAN}-01`,
  `00-${TRACE}-${SPAN}-zz`,
  `00-${TRACE}-${SPAN}-01, 00-${TRACE}-${SPAN}-01`,
  `00-${'g'.repeat(32)}-${SPAN}-01`,
  `00-${TRACE}-${SPAN}-01`.repeat(20),
  'x'.repeat(8000),
  '\t\t',
  '%00-%01',
  'ünïcödé'.normalize('NFD').replace(/[^\x20-\x7e]/g, '?'),
];

test('parseTraceContext never throws and accepts only well-formed W3C traceparents', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.anything(), fc.array(fc.string())), fc.oneof(fc.string(), fc.anything()), (tp, ts) => {
      const ctx = parseTraceContext(tp, ts);
      if (ctx) {
        assert.match(formatTraceparent(ctx.traceId, ctx.spanId, ctx.flags), /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);
        if (ctx.state !== null) assert.ok(ctx.state.length <= 512 && !/[\u0000-\u001f]/.test(ctx.state));
      }
    }),
    { numRuns: 2000 },
  );
  for (const bad of [...MALFORMED, `00-${TRACE}-${SPAN}-01\u0000`, `00-${TRACE}-${SPAN}\n-01`, 42, null, undefined, {}, [`00-${TRACE}-${SPAN}-01`]]) {
    assert.equal(parseTraceContext(bad, undefined), null, JSON.stringify(bad));
  }
  // A later version may add fields; its first four are read (W3C Trace Context, "versioning").
  assert.equal(parseTraceContext(`01-${TRACE}-${SPAN}-01-more`, undefined)?.traceId, TRACE);
  assert.equal(parseTraceContext(` 00-${TRACE}-${SPAN}-00 `, undefined)?.flags, '00');
});

test('tracestate is kept only when it is a valid list, whole or not at all', () => {
  const tp = `00-${TRACE}-${SPAN}-01`;
  assert.equal(parseTraceContext(tp, 'congo=t61rcWkgMzE')?.state, 'congo=t61rcWkgMzE');
  assert.equal(parseTraceContext(tp, ['a=1', 'b=2'])?.state, 'a=1,b=2');
  assert.equal(parseTraceContext(tp, 'a=1 , ,b@sys=2')?.state, 'a=1,b@sys=2');
  for (const bad of ['=1', 'A=1', 'a=', 'a=1,a=2', 'a=x,y', 'a=\u0001', 'a=1'.padEnd(600, '1'), Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(','), 42, {}]) {
    const ctx = parseTraceContext(tp, bad);
    assert.equal(ctx?.traceId, TRACE, 'a bad tracestate never costs the traceparent');
    assert.equal(ctx?.state, null, JSON.stringify(bad));
  }
});

test('HOOKLINE_PROPAGATE_TRACE and the OTEL_ variables: defaults, the endpoint rules, and refusals', () => {
  assert.equal(loadConfig({}).propagateTrace, true);
  assert.equal(loadConfig({}).otlpTracesEndpoint, null);
  assert.equal(loadConfig({ HOOKLINE_PROPAGATE_TRACE: 'false' }).propagateTrace, false);
  assert.equal(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' }).otlpTracesEndpoint, 'http://c:4318/v1/traces');
  assert.equal(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:1/x' }).otlpTracesEndpoint, 'http://t:1/x');
  assert.equal(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).otlpTracesEndpoint, null);
  assert.equal(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }).otlpTracesEndpoint, null);
  assert.equal(loadConfig({}).otelServiceName, 'hookline');
  assert.equal(loadConfig({ OTEL_SERVICE_NAME: 'webhooks-eu' }).otelServiceName, 'webhooks-eu');
  assert.throws(() => loadConfig({ HOOKLINE_PROPAGATE_TRACE: 'maybe' }), /HOOKLINE_PROPAGATE_TRACE/);
  assert.throws(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }), /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT.*http/);
});

test('malformed traceparent and tracestate headers on a publish are ignored: 202, delivered, no trace sent', async (t) => {
  const rx = await startReceiver();
  t.after(() => rx.close());
  const hl = await startTestHookline();
  t.after(() => hl.stop());
  const b = await newBusiness(hl.api);
  const wh = await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, { url: rx.url, events: ['client/*'] });
  assert.equal(wh.status, 201);
  const send = async (path: string, headers: Record<string, string>, body: unknown) => {
    const res = await fetch(`${hl.url}/v1/businesses/${b}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hl.adminToken}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    return res.status;
  };
  let n = 0;
  for (const bad of MALFORMED) {
    assert.equal(await send('/events', { traceparent: bad, tracestate: bad }, { type: 'client/created', data: { id: ++n } }), 202, JSON.stringify(bad));
  }
  // The batch route reads the same headers.
  assert.equal(await send('/events/batch', { traceparent: 'garbage' }, { events: [{ type: 'client/created', data: { id: ++n } }] }), 202);
  // A valid traceparent beside a malformed tracestate: the trace goes on, the state does not.
  assert.equal(await send('/events', { traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 'a=1,,=bad' }, { type: 'client/created', data: { id: ++n } }), 202);
  await rx.waitFor(n);
  const byId = new Map(rx.received.map((r) => [(JSON.parse(r.body) as { data: { id: number } }).data.id, r.headers]));
  for (let i = 1; i < n; i++) {
    assert.equal(byId.get(i)?.traceparent, undefined, `event ${i} (${JSON.stringify(MALFORMED[i - 1])}) carries no trace`);
    assert.equal(byId.get(i)?.tracestate, undefined);
  }
  assert.match(String(byId.get(n)?.traceparent), new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));
  assert.equal(byId.get(n)?.tracestate, undefined);
});
