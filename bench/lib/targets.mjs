// The targets the issue set, each checked against this run's own measurements. A target whose
// inputs were not measured (a partial run, Redis missing) is "not measured", never "met".
import { formatNumber } from './figures.mjs';

const HOOKLINE = ['sqlite', 'pg1', 'pg2'];
const NAME = { sqlite: 'SQLite', pg1: 'PostgreSQL ×1', pg2: 'PostgreSQL ×2' };

export function evaluateTargets(results) {
  const get = (scenario, system) => results.find((r) => r.scenario === scenario && r.system === system && r.ok) ?? null;
  const out = [];
  // `systems`: the Hookline configurations a target judges, so the report can show their profiles.
  const add = (scenario, text, measured, met, actual, systems = ['sqlite']) =>
    out.push({ scenario, text, systems, status: measured ? (met ? 'met' : 'missed') : 'not measured', actual: measured ? actual : '' });

  const sqliteA = get('a', 'sqlite');
  const ceilingA = get('a', 'ceiling');
  const bullmqA = get('a', 'bullmq');
  add('a', 'Hookline on SQLite ≥ 10,000 deliveries/s', !!sqliteA, sqliteA?.deliveriesPerSec >= 10_000, `${formatNumber(sqliteA?.deliveriesPerSec)}/s`);
  add('a', 'Hookline on SQLite ≥ 50 % of the ceiling', !!(sqliteA && ceilingA), sqliteA?.deliveriesPerSec >= 0.5 * ceilingA?.deliveriesPerSec,
    `${formatNumber((100 * sqliteA?.deliveriesPerSec) / ceilingA?.deliveriesPerSec)} %`);
  add('a', 'Hookline on SQLite ≥ 3× BullMQ + undici', !!(sqliteA && bullmqA), sqliteA?.deliveriesPerSec >= 3 * bullmqA?.deliveriesPerSec,
    `${formatNumber(sqliteA?.deliveriesPerSec / bullmqA?.deliveriesPerSec, 2)}×`);

  for (const system of HOOKLINE) {
    const b = get('b', system);
    if (b) add('b', `${NAME[system]}: p99 ≤ 25 ms at 1,000 events/s`, true, b.latencyMs.p99 <= 25 && b.rate >= 950, `p99 ${formatNumber(b.latencyMs.p99, 1)} ms at ${formatNumber(b.rate)} events/s`, [system]);
    const c = get('c', system);
    if (c) add('c', `${NAME[system]}: all 1,000 fan-out deliveries within 1 s`, true, c.allDeliveredMs <= 1000 && c.count >= 1000, `${formatNumber(c.allDeliveredMs)} ms for ${formatNumber(c.count)}`, [system]);
    const d = get('d', system);
    const a = get('a', system);
    if (d) add('d', `${NAME[system]}: healthy deliveries ≥ 90 % of (a) with 10 % of endpoints hung`, !!a, d.deliveriesPerSec >= 0.9 * a?.deliveriesPerSec, `${formatNumber((100 * d.deliveriesPerSec) / a?.deliveriesPerSec)} % of (a)`, [system]);
    const e = get('e', system);
    if (e) {
      add('e', `${NAME[system]}: backlog drain ≥ 80 % of (a)`, !!a, e.deliveriesPerSec >= 0.8 * a?.deliveriesPerSec, `${formatNumber((100 * e.deliveriesPerSec) / a?.deliveriesPerSec)} % of (a)`, [system]);
      add('e', `${NAME[system]}: peak RSS ≤ 256 MB while draining`, e.peakRssMb !== null, e.peakRssMb <= 256, `${formatNumber(e.peakRssMb)} MB`, [system]);
    }
  }
  const pg1A = get('a', 'pg1');
  add('a', 'PostgreSQL, 1 process ≥ 1/3 of SQLite', !!(pg1A && sqliteA), pg1A?.deliveriesPerSec >= sqliteA?.deliveriesPerSec / 3, `${formatNumber((100 * pg1A?.deliveriesPerSec) / sqliteA?.deliveriesPerSec)} % of SQLite`, ['pg1']);
  const pg1S = get('s', 'pg1');
  const pg2S = get('s', 'pg2');
  add('s', 'PostgreSQL, 2 processes ≥ 1.5× 1 process (receivers +20 ms)', !!(pg1S && pg2S), pg2S?.deliveriesPerSec >= 1.5 * pg1S?.deliveriesPerSec, `${formatNumber(pg2S?.deliveriesPerSec / pg1S?.deliveriesPerSec, 2)}×`, ['pg1', 'pg2']);
  return out;
}
