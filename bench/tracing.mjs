#!/usr/bin/env node
// What tracing costs per attempt and per publish, in-process, on the real classes from dist/
// (`npm run build` first; docs/observability.md#cost): the calls the dispatcher and the
// publisher make around each attempt and each request, with tracing off (the default: the
// trace objects are null, or skip an event without a trace) and on (spans through the SDK's
// batch processor to an OTLP/HTTP sink on loopback, a child process, so its CPU is not counted).
// `node bench/tracing.mjs`
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AttemptTracer } from '../dist/tracing/attemptTrace.js';
import { PublishTracer } from '../dist/tracing/publishTrace.js';
import { startTracing } from '../dist/tracing/Tracing.js';

const ROUNDS_OFF = 2_000_000;
const ROUNDS_ON = 50_000;

const webhook = { id: 'wh_1', dialect: 'standard', url: 'http://127.0.0.1:9/hook' };
const item = (traceparent) => ({
  delivery: { id: 'dlv_1', business_id: 'b', event_id: 'evt_1', event_type: 'client/created', attempt_count: 0 },
  event: traceparent ? { traceparent, tracestate: null } : {},
});
const outcome = { status: 'succeeded', attempt: { status_code: 200, error: null, duration_ms: 1, response_body: null } };
const held = new Map([['dlv_1', Date.now()]]);
const stored = Promise.resolve();

/** The calls around one attempt, as DeliveryQueues.send and renderAndSend make them. */
function attempt(tracer, it) {
  const trace = tracer ? tracer.begin(it, webhook, held) : null;
  trace?.rendering();
  const headers = trace ? trace.sending(webhook.url) : null;
  trace?.answered(200, null);
  trace?.settled(outcome, trace.recording ? stored : null);
  return headers;
}

function perCall(rounds, fn) {
  for (let i = 0; i < Math.min(rounds, 10_000); i++) fn();
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let i = 0; i < rounds; i++) fn();
  const cpu = process.cpuUsage(c0);
  return { wallNs: Number(process.hrtime.bigint() - t0) / rounds, cpuUs: (cpu.user + cpu.system) / rounds };
}

const show = (label, r) => process.stdout.write(`${label.padEnd(62)} ${r.cpuUs < 1 ? `${(r.cpuUs * 1000).toFixed(0)} ns` : `${r.cpuUs.toFixed(1)} µs`} CPU per call\n`);

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
show('attempt, tracing off, propagation off', perCall(ROUNDS_OFF, () => attempt(AttemptTracer.create(null, false), item(null))));
const propagating = AttemptTracer.create(null, true);
const plain = item(null);
const traced = item(TP);
show('attempt, tracing off, propagation on, event without a trace', perCall(ROUNDS_OFF, () => attempt(propagating, plain)));
show('attempt, tracing off, propagation on, event with a trace', perCall(ROUNDS_OFF / 4, () => attempt(propagating, traced)));
const publishing = PublishTracer.create(null, true);
show('publish request, tracing off, no traceparent', perCall(ROUNDS_OFF, () => publishing.begin('b', {})));

const sink = spawn(process.execPath, [fileURLToPath(new URL('./otlpSink.mjs', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve) => sink.stdout.once('data', (d) => resolve(String(d).trim())));
// The default queue (2048) drops spans at this rate; a real collector setup raises it the same way.
process.env.OTEL_BSP_MAX_QUEUE_SIZE = '100000';
const tracing = await startTracing({ otlpTracesEndpoint: `${url}/v1/traces`, otelServiceName: 'bench' });
const on = AttemptTracer.create(tracing, true);
// Batches of 250 attempts with a pause between them, so the exporter keeps up as it would
// beside real HTTP (its concurrent exports are limited); CPU time, not wall time, is counted.
const pause = () => new Promise((r) => setTimeout(r, 5));
const c0 = process.cpuUsage();
for (let done = 0; done < ROUNDS_ON; done += 250) {
  for (let i = 0; i < 250; i++) attempt(on, traced);
  await pause();
}
await tracing.shutdown();
const cpu = process.cpuUsage(c0);
show('attempt, tracing on (4 spans, batched export included)', { cpuUs: (cpu.user + cpu.system) / ROUNDS_ON });
const pub = PublishTracer.create(await startTracing({ otlpTracesEndpoint: `${url}/v1/traces`, otelServiceName: 'bench' }), true);
const p0 = process.cpuUsage();
for (let i = 0; i < 20_000; i++) {
  const t = pub.begin('b', { traceparent: TP, route: '/v1/businesses/:b/events' });
  t.phase('hookline.validate');
  t.phase('hookline.match');
  t.phase('hookline.store');
  t.published([{ event: { id: 'evt_1', type: 'client/created' }, created: true, deliveries: [{}] }]);
  if (i % 250 === 0) await pause();
}
const pc = process.cpuUsage(p0);
show('publish request, tracing on (4 spans, export not flushed)', { cpuUs: (pc.user + pc.system) / 20_000 });
let tally = '';
sink.stdout.on('data', (d) => (tally += String(d)));
sink.kill('SIGTERM');
await new Promise((r) => sink.once('exit', r));
process.stdout.write(`${tally.trim()} (attempts made ${ROUNDS_ON * 4} spans)\n`);
