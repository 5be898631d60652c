// (a) Throughput: events of ~1 KB, one webhook each across 100 webhooks, published in batches
// of 1,000 as fast as the system takes them.
import { runDeliveries } from '../lib/runDeliveries.mjs';
import { spreadEndpoints, spreadEvents, capFor } from './endpoints.mjs';

export const throughput = {
  id: 'a',
  title: 'Throughput',
  systems: ['ceiling', 'bullmq', 'sqlite', 'sqlite1t', 'pg1', 'pg2', 'pg3'],
  describe: (c) => `${c.throughput.toLocaleString('en-US')} events of ~1 KB, one webhook each across 100 webhooks, published in batches of 1,000`,
  async run(ctx, systemId) {
    const endpoints = spreadEndpoints(100);
    const { batches, keys, expected } = spreadEvents(ctx.counts.throughput, endpoints, 'a');
    const r = await runDeliveries(ctx, systemId, { label: `(a) throughput · ${systemId}`, endpoints, batches, expected, keys, capMs: capFor(keys.length) });
    return { ...r, deliveriesPerSec: r.healthyPerSec };
  },
};

// The same with every receiver answering 20 ms late: concurrency, not CPU, is then the limit,
// which is what a second process adds (the PostgreSQL scale-out target).
export const slowReceivers = {
  id: 's',
  title: 'Throughput, receivers +20 ms',
  systems: ['pg1', 'pg2', 'pg3'],
  describe: (c) => `as (a) with ${c.slow.toLocaleString('en-US')} events, every receiver answering after 20 ms`,
  async run(ctx, systemId) {
    const endpoints = spreadEndpoints(100);
    const { batches, keys, expected } = spreadEvents(ctx.counts.slow, endpoints, 's');
    const r = await runDeliveries(ctx, systemId, { label: `(s) +20 ms receivers · ${systemId}`, endpoints, batches, expected, keys, capMs: capFor(keys.length), delayMs: 20 });
    return { ...r, deliveriesPerSec: r.healthyPerSec };
  },
};
