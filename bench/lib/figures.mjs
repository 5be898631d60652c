// One headline figure per run, and each Hookline figure beside the baselines measured in the
// same run: the ceiling (bare undici Pool) and BullMQ + undici.

/** What each scenario is judged by. `higher`: a rate; otherwise a time, where lower is better. */
export const headline = {
  a: { unit: 'deliveries/s', higher: true, value: (r) => r.deliveriesPerSec },
  b: { unit: 'ms p99', higher: false, value: (r) => r.latencyMs?.p99 },
  c: { unit: 'ms to all', higher: false, value: (r) => r.allDeliveredMs },
  d: { unit: 'healthy deliveries/s', higher: true, value: (r) => r.deliveriesPerSec },
  e: { unit: 'deliveries/s drained', higher: true, value: (r) => r.deliveriesPerSec },
  f: { unit: 'healthy deliveries/s', higher: true, value: (r) => r.deliveriesPerSec },
  g: { unit: 'deliveries/s', higher: true, value: (r) => r.deliveriesPerSec },
  s: { unit: 'deliveries/s', higher: true, value: (r) => r.deliveriesPerSec },
};

/**
 * Where a scenario has no baseline of its own, rates are set against (a)'s: the ceiling is what
 * this machine can send at all, whatever the scenario; the backlog has no BullMQ run because
 * preloading a million jobs would cost more than the rest of the benchmark. The +20 ms run is
 * compared only between Hookline's own configurations.
 */
const fallbackToA = new Set(['d', 'e', 'f']);

export function baselineFor(results, scenario, baseline) {
  const own = results.find((r) => r.scenario === scenario && r.system === baseline && r.ok);
  if (own) return { result: own, fromA: false };
  if (!fallbackToA.has(scenario)) return null;
  const a = results.find((r) => r.scenario === 'a' && r.system === baseline && r.ok);
  return a ? { result: a, fromA: true } : null;
}

/** Hookline ÷ baseline for rates (0.5× = half the rate); for times, Hookline ÷ baseline too (2× = twice as long). */
export function ratio(results, r, baseline) {
  const h = headline[r.scenario];
  const ref = baselineFor(results, r.scenario, baseline);
  if (!ref) return null;
  const mine = h.value(r);
  const theirs = h.higher ? ref.result.deliveriesPerSec : h.value(ref.result);
  if (!(mine > 0) || !(theirs > 0)) return null;
  return { value: mine / theirs, fromA: ref.fromA, higherIsBetter: h.higher };
}

export const formatNumber = (x, digits = 0) =>
  x === null || x === undefined || Number.isNaN(x) ? '—' : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function formatRatio(q) {
  if (!q) return '—';
  return `${q.value >= 10 ? q.value.toFixed(0) : q.value.toFixed(2)}×${q.fromA ? '†' : ''}`;
}

/** The figure as the table prints it. */
export function describeFigure(r) {
  if (!r.ok) return r.error ? `FAILED: ${r.error.split('\n')[0]}` : 'FAILED';
  switch (r.scenario) {
    case 'a':
    case 's':
      return `${formatNumber(r.deliveriesPerSec)}/s${r.ingestPerSec ? ` (ingest ${formatNumber(r.ingestPerSec)}/s)` : ''}`;
    case 'b':
      return `p50 ${formatNumber(r.latencyMs.p50, 1)} · p95 ${formatNumber(r.latencyMs.p95, 1)} · p99 ${formatNumber(r.latencyMs.p99, 1)} · max ${formatNumber(r.latencyMs.max, 1)} ms`;
    case 'c':
      return `${formatNumber(r.allDeliveredMs)} ms (first event ${formatNumber(r.coldMs)} ms)`;
    case 'd':
    case 'f':
      return `${formatNumber(r.deliveriesPerSec)}/s healthy${r.complete ? '' : ` (gave up after ${formatNumber(r.durationMs / 1000)} s: ${formatNumber(r.healthyDelivered)} delivered)`}`;
    case 'g':
      return `others ${formatNumber(r.deliveriesPerSec)}/s, all ${formatNumber(r.allPerSec)}/s; plain (a) just before: ${formatNumber(r.plainPerSec)}/s (others ${r.ratioToPlain ? r.ratioToPlain.toFixed(2) : '—'}×); Hookline CPU ${formatNumber(r.hooklineCpuUsPerDelivery?.shaped)} vs ${formatNumber(r.hooklineCpuUsPerDelivery?.plain)} µs/delivery`;
    case 'e':
      return `${formatNumber(r.deliveriesPerSec)}/s (${formatNumber(r.count)} in ${formatNumber(r.drainMs / 1000, 1)} s)`;
    default:
      return '';
  }
}
