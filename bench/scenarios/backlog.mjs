// (e) Backlog: 1,000,000 due deliveries written into a stopped Hookline's database, then the
// server starts and drains them. Drain rate counts from the moment the process is launched to
// the last arrival; peak RSS is the kernel's high-water mark for the Hookline process.
import { openSystem } from '../lib/systems.mjs';
import { monotonicMs } from '../lib/load.mjs';
import { waitForArrivals, verifyArrivals, LostEventsError } from '../lib/arrivals.mjs';
import { preloadSqlite, preloadPostgres, deliveryKeys } from '../lib/preloadBacklog.mjs';
import { progress } from '../lib/progress.mjs';
import { perSecond } from '../lib/stats.mjs';
import { BUSINESS } from '../systems/hookline.mjs';
import { spreadEndpoints, capFor } from './endpoints.mjs';

export const backlog = {
  id: 'e',
  title: 'Backlog drain',
  systems: ['sqlite'],
  describe: (c) => `${c.backlog.toLocaleString('en-US')} due deliveries (one event each, across 100 webhooks) written into the stopped server's database, then drained`,
  async run(ctx, systemId) {
    const { receiver, counts } = ctx;
    const count = counts.backlog;
    const endpoints = spreadEndpoints(100);
    await receiver.reset();
    const system = await openSystem(systemId, { receiver, endpoints, profileDir: ctx.profileDir(systemId) });
    try {
      await system.stopProcesses();
      const load = progress(`(e) backlog · ${systemId} · preloading`);
      const opts = { business: BUSINESS, webhookIds: system.webhookIds, count, idPrefix: 'e', onProgress: (n) => load.update(n, count, 'rows written') };
      const p0 = monotonicMs();
      if (system.sqliteFile) await preloadSqlite(system.sqliteFile, opts);
      else await preloadPostgres(system.databaseUrl, opts);
      load.done(`${count.toLocaleString('en-US')} due deliveries written in ${((monotonicMs() - p0) / 1000).toFixed(1)} s`);

      const label = `(e) backlog · ${systemId} · draining`;
      const bar = progress(label);
      const started = monotonicMs();
      await system.startProcesses();
      const done = await waitForArrivals(receiver, { ok: count }, {
        capMs: capFor(count),
        pollMs: 250,
        onProgress: (s) => bar.update(s.unique, count, `${Math.round(perSecond(s.unique, s.now - started) ?? 0).toLocaleString('en-US')}/s, RSS ${Math.round(system.peakRssMb())} MB peak`),
      });
      const peakRssMb = system.peakRssMb();
      if (!done.complete) throw new LostEventsError(`${label}: ${count - done.stats.unique} of ${count} deliveries had not arrived within ${capFor(count)} ms`);
      await verifyArrivals(receiver, deliveryKeys(count, endpoints.length, 'e'), label);
      const drainPerSec = perSecond(count, done.stats.classes.ok.last - started);
      bar.done(`${Math.round(drainPerSec).toLocaleString('en-US')} deliveries/s, peak RSS ${Math.round(peakRssMb)} MB`);
      return { complete: true, count, deliveriesPerSec: drainPerSec, drainMs: done.stats.classes.ok.last - started, peakRssMb };
    } finally {
      await system.close();
    }
  },
};
