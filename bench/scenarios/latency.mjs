// (b) Latency: an open loop of 1,000 events/s for 30 s, each published in the batch of its
// 10 ms tick; latency is from the moment its publish request left the load generator to its
// arrival at the receiver (one monotonic clock for both processes).
import { openSystem } from '../lib/systems.mjs';
import { publishOpenLoop } from '../lib/load.mjs';
import { waitForArrivals, verifyArrivals, LostEventsError } from '../lib/arrivals.mjs';
import { progress } from '../lib/progress.mjs';
import { percentiles } from '../lib/stats.mjs';
import { eventType } from '../lib/payload.mjs';
import { spreadEndpoints } from './endpoints.mjs';

export const latency = {
  id: 'b',
  title: 'Latency at a steady rate',
  systems: ['ceiling', 'bullmq', 'sqlite', 'pg1', 'pg2'],
  describe: (c) => `open loop, ${c.latencyRate.toLocaleString('en-US')} events/s for ${c.latencySeconds} s across 100 webhooks, after ${c.latencyWarmupSeconds} s of warm-up at the same rate`,
  async run(ctx, systemId) {
    const { receiver, counts } = ctx;
    const endpoints = spreadEndpoints(100);
    await receiver.reset();
    const system = await openSystem(systemId, { receiver, endpoints, profileDir: ctx.profileDir(systemId) });
    try {
      const label = `(b) latency · ${systemId}`;
      const rate = counts.latencyRate;
      // Warm-up: connections opened, code paths compiled; then the receiver forgets it.
      const warm = await publishOpenLoop(system, (i) => ({ id: `bw${i}`, type: eventType(i % 100) }), { rate, durationMs: counts.latencyWarmupSeconds * 1000 });
      await waitForArrivals(receiver, { ok: warm.total }, { capMs: 30_000 });
      await receiver.reset();

      const bar = progress(label);
      const run = await publishOpenLoop(system, (i) => ({ id: `b${i}`, type: eventType(i % 100) }), {
        rate,
        durationMs: counts.latencySeconds * 1000,
        onSent: (n) => bar.update(n, Math.round(rate * counts.latencySeconds), 'published'),
      });
      const done = await waitForArrivals(receiver, { ok: run.total }, { capMs: 60_000 });
      if (!done.complete) throw new LostEventsError(`${label}: ${run.total - done.stats.unique} events had not arrived 60 s after the last publish`);
      const keys = [];
      for (let i = 0; i < run.total; i++) keys.push(`${i % 100}:b${i}`);
      const arrivals = await verifyArrivals(receiver, keys, label);
      const latencies = new Float64Array(run.total);
      for (let i = 0; i < run.total; i++) latencies[i] = arrivals.get(keys[i]) - run.sentAt.get(`b${i}`);
      const pct = percentiles(latencies);
      const achieved = (run.total * 1000) / (run.ended - run.started);
      bar.done(`p50 ${pct.p50.toFixed(1)} ms, p99 ${pct.p99.toFixed(1)} ms, max ${pct.max.toFixed(1)} ms at ${Math.round(achieved)} events/s`);
      return {
        complete: true,
        count: run.total,
        rate: achieved,
        latencyMs: pct,
        peakRssMb: system.peakRssMb(),
        // Kept for the chart: the latency distribution, bucketed by 1 ms up to 100 ms.
        histogram: histogram(latencies, 100),
      };
    } finally {
      await system.close();
    }
  },
};

function histogram(values, maxMs) {
  const buckets = new Array(maxMs + 1).fill(0);
  for (const v of values) buckets[Math.min(maxMs, Math.max(0, Math.floor(v)))]++;
  return buckets;
}
