// Percentiles by the nearest-rank method: every reported figure is a latency that happened.
export function percentiles(values, ps = [50, 95, 99]) {
  const sorted = Float64Array.from(values).sort();
  const out = {};
  for (const p of ps) out[`p${p}`] = sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] : null;
  out.max = sorted.length ? sorted[sorted.length - 1] : null;
  return out;
}

export const perSecond = (count, ms) => (ms > 0 ? (count * 1000) / ms : null);
