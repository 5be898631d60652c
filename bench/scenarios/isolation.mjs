// (d) Isolation: as (a), but 10 of the 100 endpoints never answer until the run heals them;
// each attempt there waits out its 5 s timeout. What matters is how fast the other 90 % go.
import { runDeliveries } from '../lib/runDeliveries.mjs';
import { spreadEndpoints, spreadEvents, capFor } from './endpoints.mjs';

export const isolation = {
  id: 'd',
  title: 'Isolation (10 % of endpoints hang)',
  systems: ['bullmq', 'sqlite', 'pg1', 'pg2'],
  describe: (c) => `as (a) with ${c.isolation.toLocaleString('en-US')} events; 10 of the 100 endpoints hang until the 5 s timeout, then recover once the healthy deliveries are done`,
  async run(ctx, systemId) {
    const endpoints = spreadEndpoints(100, (n) => (n % 10 === 0 ? 'hang' : 'ok'));
    const { batches, keys, expected } = spreadEvents(ctx.counts.isolation, endpoints, 'd');
    const r = await runDeliveries(ctx, systemId, { label: `(d) isolation · ${systemId}`, endpoints, batches, expected, keys, capMs: capFor(keys.length), timeoutMs: 5000,
      // A queue with one pool of workers stalls behind the hung endpoints; cap how long we watch it.
      baselineCapMs: ctx.quick ? 3000 : 30_000,
    });
    return { ...r, deliveriesPerSec: r.healthyPerSec };
  },
};
