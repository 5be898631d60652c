#!/usr/bin/env node
// What the fair scheduler costs per attempt (docs/delivery.md#sharing-between-businesses), on
// the real EndpointQueue and FairScheduler from dist/ (`npm run build` first): queue a delivery,
// take the next queue, start and finish its attempt, for B businesses × W webhooks, against the
// single round-robin ring of webhooks it replaced. `node bench/fairScheduler.mjs`
import { EndpointQueue } from '../dist/dispatch/EndpointQueue.js';
import { FairScheduler } from '../dist/dispatch/FairScheduler.js';

const policy = { probeMs: 5000, disableAfterMs: 0 };
const item = (b) => ({ delivery: { business_id: b }, event: {} });
const ROUNDS = 2_000_000;

function queues(businesses, webhooks) {
  const out = [];
  for (let b = 0; b < businesses; b++) {
    for (let w = 0; w < webhooks; w++) out.push({ q: new EndpointQueue(`wh_${b}_${w}`, policy, { singleProcess: true }), b: `b${b}` });
  }
  return out;
}

/** One attempt's worth of scheduling, the fair way: a delivery queued, its queue chosen, started, finished. */
function fair(businesses, webhooks, maxInFlight) {
  const all = queues(businesses, webhooks);
  const s = new FairScheduler(maxInFlight);
  for (const { q, b } of all) {
    s.attach(q, b);
    q.push(item(b));
    s.offer(q);
  }
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) {
    const q = s.next();
    const it = q.shift();
    s.started(q);
    q.push(it);
    s.finished(q);
    s.offer(q);
  }
  return Number(process.hrtime.bigint() - t0) / ROUNDS;
}

/** The same with the ring it replaced: one array of queues, shift and push, a global counter. */
function ring(businesses, webhooks) {
  const all = queues(businesses, webhooks);
  const r = [];
  let inFlight = 0;
  for (const { q, b } of all) {
    q.push(item(b));
    r.push(q);
  }
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) {
    const q = r.shift();
    q.tookTurn();
    const it = q.shift();
    inFlight++;
    q.attemptStarted();
    q.push(it);
    inFlight--;
    q.attemptEnded();
    q.waitForTurn();
    r.push(q);
  }
  return Number(process.hrtime.bigint() - t0) / ROUNDS + inFlight;
}

console.log('| businesses × webhooks | ring of webhooks (before) | fair scheduler | difference |');
console.log('|---|---|---|---|');
for (const [b, w] of [[1, 1], [1, 100], [10, 10], [100, 10], [1000, 5]]) {
  const best = (f) => Math.min(...[0, 1, 2, 3, 4].map(() => f()));
  const before = best(() => ring(b, w));
  const after = best(() => fair(b, w, 256));
  console.log(`| ${b} × ${w} | ${before.toFixed(0)} ns | ${after.toFixed(0)} ns | ${(after - before).toFixed(0)} ns |`);
}
