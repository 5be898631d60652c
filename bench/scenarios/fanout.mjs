// (c) Fan-out: one event to 1,000 webhooks; the time from its publish request to the last of
// the 1,000 arrivals. One warm-up event first (connections, compiled code), then the measured one.
import { openSystem } from '../lib/systems.mjs';
import { monotonicMs } from '../lib/load.mjs';
import { waitForArrivals, verifyArrivals, LostEventsError } from '../lib/arrivals.mjs';
import { progress } from '../lib/progress.mjs';

const TYPE = 'bench/fanout';

export const fanout = {
  id: 'c',
  title: 'Fan-out',
  systems: ['ceiling', 'bullmq', 'sqlite', 'pg1', 'pg2'],
  describe: (c) => `one event to ${c.fanout.toLocaleString('en-US')} webhooks, after one warm-up event`,
  async run(ctx, systemId) {
    const { receiver, counts } = ctx;
    const endpoints = Array.from({ length: counts.fanout }, (_, n) => ({ n, kind: 'ok', types: [TYPE] }));
    await receiver.reset();
    const system = await openSystem(systemId, { receiver, endpoints, profileDir: ctx.profileDir(systemId) });
    try {
      const label = `(c) fan-out · ${systemId}`;
      const bar = progress(label);
      const times = [];
      for (const id of ['cw', 'c']) {
        await receiver.reset();
        const t0 = monotonicMs();
        await system.publish([{ id, type: TYPE }]);
        const done = await waitForArrivals(receiver, { ok: counts.fanout }, { capMs: 60_000, pollMs: 5, onProgress: (s) => bar.update(s.unique, counts.fanout) });
        if (!done.complete) throw new LostEventsError(`${label}: ${counts.fanout - done.stats.unique} of ${counts.fanout} deliveries did not arrive`);
        await verifyArrivals(receiver, endpoints.map((e) => `${e.n}:${id}`), label);
        times.push(done.stats.last - t0);
      }
      const [coldMs, allDeliveredMs] = times;
      bar.done(`all ${counts.fanout.toLocaleString('en-US')} in ${allDeliveredMs.toFixed(0)} ms (first event: ${coldMs.toFixed(0)} ms)`);
      return { complete: true, count: counts.fanout, allDeliveredMs, coldMs, peakRssMb: system.peakRssMb() };
    } finally {
      await system.close();
    }
  },
};
