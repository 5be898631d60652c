// (g) Filters and transformations (issue 16): as (a), with 10 of the 100 webhooks carrying a
// payload filter and 10 others a transformation, run back to back with a plain (a) of the same
// size in the same invocation, so that the ratio between them is not the noise between runs.
import { runDeliveries } from '../lib/runDeliveries.mjs';
import { startCpuAccounting } from '../lib/cpuAccounting.mjs';
import { spreadEndpoints, spreadEvents, capFor } from './endpoints.mjs';

/** Passes every bench event (all are active clients), so each webhook still gets its share and the counts stay (a)'s. */
export const BENCH_FILTER = { 'data.status': 'active', 'data.country': { $in: ['US', 'CA'] } };

/** A Slack-style reshaping of the client record: what a business would write. */
export const BENCH_TRANSFORMATION = `function handler(request) {
  const c = request.event.data;
  request.headers['x-client'] = String(c.id);
  request.body = { text: c.first_name + ' ' + c.last_name + ' (' + c.email + ') is ' + c.status, tags: c.tags, city: c.city };
  return request;
}`;

function shapedEndpoints() {
  return spreadEndpoints(100).map((e) => {
    if (e.n % 10 === 3) return { ...e, kind: 'shaped', webhook: { filter: BENCH_FILTER } };
    if (e.n % 10 === 7) return { ...e, kind: 'shaped', webhook: { transformation: { code: BENCH_TRANSFORMATION } } };
    return e;
  });
}

export const shaped = {
  id: 'g',
  title: 'Throughput with filters and transformations',
  systems: ['sqlite', 'pg1'],
  describe: (c) => `as (a) with ${c.throughput.toLocaleString('en-US')} events; 10 of the 100 webhooks carry a payload filter and 10 a transformation; a plain (a) run of the same size right before it`,
  async run(ctx, systemId) {
    const plainEndpoints = spreadEndpoints(100);
    const plain = spreadEvents(ctx.counts.throughput, plainEndpoints, 'ga');
    // On a shared machine the rates swing with other load; Hookline's own CPU per delivery swings less.
    let cpu = startCpuAccounting();
    const a = await runDeliveries(ctx, systemId, { label: `(g) plain (a) · ${systemId}`, endpoints: plainEndpoints, ...plain, capMs: capFor(plain.keys.length) });
    const plainCpuUs = ((cpu.stop().byRole.Hookline ?? 0) * 1e6) / plain.keys.length;
    const endpoints = shapedEndpoints();
    const mixed = spreadEvents(ctx.counts.throughput, endpoints, 'gs');
    cpu = startCpuAccounting();
    const g = await runDeliveries(ctx, systemId, { label: `(g) filters + transformations · ${systemId}`, endpoints, ...mixed, capMs: capFor(mixed.keys.length) });
    const shapedCpuUs = ((cpu.stop().byRole.Hookline ?? 0) * 1e6) / mixed.keys.length;
    return {
      ...g,
      // The measure: the other webhooks' deliveries per second, beside (a)'s; then everything's.
      deliveriesPerSec: g.healthyPerSec,
      allPerSec: g.allPerSec ?? null,
      plainPerSec: a.healthyPerSec,
      // The others carry 80 % of (g)'s deliveries: their rate is compared per delivery of theirs,
      // so 1.00× means they went exactly as fast as (a)'s did.
      ratioToPlain: a.healthyPerSec ? g.healthyPerSec / (mixed.expected.ok / mixed.keys.length) / a.healthyPerSec : null,
      hooklineCpuUsPerDelivery: { plain: plainCpuUs, shaped: shapedCpuUs },
    };
  },
};
