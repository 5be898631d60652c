#!/usr/bin/env node
// What one transformation call costs (docs/transformations.md#cost), on the real Sandbox and
// transform thread from dist/ (`npm run build` first): a warm sandbox reused per code version,
// a fresh QuickJS runtime per call, and the same through the transform thread, one at a time
// and queued. `node bench/transformationCost.mjs`
import { getQuickJS } from 'quickjs-emscripten';
import { Sandbox } from '../dist/transform/Sandbox.js';
import { createTransformThread } from '../dist/transform/TransformThread.js';

const CODE = `function handler(request) {
  const c = request.event.data;
  request.headers['x-client'] = String(c.id);
  request.body = { text: c.first_name + ' ' + c.last_name + ' checked in at ' + c.location, client: c.id };
  return request;
}`;
const data = { id: 48213, first_name: 'Maya', last_name: 'Okafor', location: 'Downtown', notes: 'Prefers morning classes. '.repeat(30) };
const REQUEST = JSON.stringify({
  method: 'POST',
  url: 'https://hooks.slack.example.com/services/T0/B0/x',
  headers: {},
  body: { id: 'evt_1', type: 'client/checked_in', business: 'studio', timestamp: new Date().toISOString(), data },
  event: { id: 'evt_1', type: 'client/checked_in', business: 'studio', data },
});

const us = (ms, n) => ((ms * 1000) / n).toFixed(1);
const quickjs = await getQuickJS();
// The first calls into WebAssembly compile it; that is the thread's start, not a call.
Sandbox.create(quickjs, 'function handler(r) { return r }').dispose();

const warm = Sandbox.create(quickjs, CODE);
for (let i = 0; i < 2000; i++) warm.call(REQUEST);
let n = 20_000;
let t = performance.now();
for (let i = 0; i < n; i++) warm.call(REQUEST);
console.log(`in-process, warm sandbox reused:      ${us(performance.now() - t, n)} µs/call`);
warm.dispose();

n = 500;
t = performance.now();
for (let i = 0; i < n; i++) {
  const s = Sandbox.create(quickjs, CODE);
  s.call(REQUEST);
  s.dispose();
}
console.log(`in-process, fresh runtime per call:   ${us(performance.now() - t, n)} µs/call`);

const thread = createTransformThread();
t = performance.now();
await thread.run('w:1', CODE, REQUEST);
console.log(`transform thread, first call (start): ${(performance.now() - t).toFixed(1)} ms`);
for (let i = 0; i < 2000; i++) await thread.run('w:1', CODE, REQUEST);
n = 5000;
t = performance.now();
for (let i = 0; i < n; i++) await thread.run('w:1', CODE, REQUEST);
console.log(`transform thread, one at a time:      ${us(performance.now() - t, n)} µs/call`);
const cpu0 = process.cpuUsage();
t = performance.now();
await Promise.all(Array.from({ length: n }, () => thread.run('w:1', CODE, REQUEST)));
const cpu = process.cpuUsage(cpu0);
console.log(`transform thread, ${n} queued:       ${us(performance.now() - t, n)} µs/call, ${((cpu.user + cpu.system) / n).toFixed(1)} µs CPU/call (both threads)`);
await thread.close();
