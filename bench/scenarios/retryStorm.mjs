// (f) Retry storm: half the endpoints answer 500 to everything, so their deliveries come back
// on the default retry schedule (first retry after ~5 s) while the healthy half is sent.
import { runDeliveries } from '../lib/runDeliveries.mjs';
import { spreadEndpoints, spreadEvents, capFor } from './endpoints.mjs';

export const retryStorm = {
  id: 'f',
  title: 'Retry storm (half the endpoints answer 500)',
  systems: ['bullmq', 'sqlite', 'pg1', 'pg2'],
  describe: (c) => `as (a) with ${c.retryStorm.toLocaleString('en-US')} events; 50 of the 100 endpoints answer 500 (retried on the default schedule) until the healthy deliveries are done, then recover`,
  async run(ctx, systemId) {
    const endpoints = spreadEndpoints(100, (n) => (n % 2 === 0 ? 'fail' : 'ok'));
    const { batches, keys, expected } = spreadEvents(ctx.counts.retryStorm, endpoints, 'f');
    const r = await runDeliveries(ctx, systemId, { label: `(f) retry storm · ${systemId}`, endpoints, batches, expected, keys, capMs: capFor(keys.length) });
    return { ...r, deliveriesPerSec: r.healthyPerSec };
  },
};
