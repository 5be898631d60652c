// The report's two charts, drawn from the run's results.
import { barChart } from './svg.mjs';
import { allSystems } from './systems.mjs';

const colours = { ceiling: '#7f8c8d', bullmq: '#d35400', sqlite: '#2471a3', sqlite1t: '#85c1e9', pg1: '#1e8449', pg2: '#7d3c98', pg3: '#bb8fce' };
const rateTitles = { a: '(a) throughput', d: '(d) isolation, healthy', e: '(e) backlog drain', f: '(f) retry storm, healthy', s: '(s) receivers +20 ms' };
const order = ['ceiling', 'bullmq', 'sqlite', 'sqlite1t', 'pg1', 'pg2', 'pg3'];
const rate = (v) => `${Math.round(v).toLocaleString('en-US')}/s`;

export function throughputChart(results) {
  const groups = [];
  for (const [scenario, label] of Object.entries(rateTitles)) {
    const bars = order
      .map((system) => results.find((r) => r.scenario === scenario && r.system === system && r.ok))
      .filter(Boolean)
      .map((r) => ({ label: allSystems[r.system].label + (r.complete === false ? ' (gave up)' : ''), value: r.deliveriesPerSec, color: colours[r.system] }));
    if (bars.length) groups.push({ label, bars });
  }
  return barChart({ title: 'Deliveries per second (higher is better)', subtitle: 'Same machine, same receiver, same run.', groups, format: rate });
}

export function latencyChart(results) {
  const groups = order
    .map((system) => results.find((r) => r.scenario === 'b' && r.system === system && r.ok))
    .filter(Boolean)
    .map((r) => ({
      label: allSystems[r.system].label,
      bars: [
        { label: 'p50', value: r.latencyMs.p50, color: '#85c1e9' },
        { label: 'p95', value: r.latencyMs.p95, color: '#2e86c1' },
        { label: 'p99', value: r.latencyMs.p99, color: '#1b4f72' },
      ],
    }));
  const rate = results.find((r) => r.scenario === 'b' && r.ok)?.rate;
  return barChart({
    title: 'Publish → receipt latency, ms (lower is better)',
    subtitle: `Open loop at ${rate ? Math.round(rate).toLocaleString('en-US') : '—'} events/s; logarithmic axis from 0.5 ms; dashed line: the 25 ms p99 target.`,
    groups,
    format: (v) => `${v.toFixed(1)} ms`,
    target: { value: 25, label: '25 ms' },
    logFrom: 0.5,
  });
}
