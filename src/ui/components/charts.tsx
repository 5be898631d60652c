/**
 * Two small inline-SVG charts: enough for a glance at throughput and backlog, with no chart
 * library to download or keep updated. Each has a text summary for screen readers.
 */

// Every chart is drawn in a 600 × 160 box (1000 wide when it spans the page) and scaled to fit.
const H = 160;
const PAD = { left: 40, right: 8, top: 10, bottom: 22 };

function niceMax(n: number): number {
  if (n <= 5) return 5;
  const p = 10 ** Math.floor(Math.log10(n));
  return Math.ceil(n / p) * p;
}

const hhmm = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

function Axes({ max, labels, W }: { max: number; labels: { x: number; text: string }[]; W: number }) {
  const y = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);
  return (
    <g class="axes">
      {(Number.isInteger(max / 2) ? [0, max / 2, max] : [0, max]).map((v) => (
        <g key={v}>
          <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} class="grid" />
          <text x={PAD.left - 6} y={y(v) + 4} text-anchor="end">
            {Math.round(v).toLocaleString('en-US')}
          </text>
        </g>
      ))}
      {labels.map((l, i) => (
        // The first and last labels hug the plot's edges so they are never cut off.
        <text key={l.x} x={l.x} y={H - 6} text-anchor={i === 0 ? 'start' : i === labels.length - 1 ? 'end' : 'middle'}>
          {l.text}
        </text>
      ))}
    </g>
  );
}

export function OutcomeBars({ data, W = 600 }: { data: { minute: string; succeeded: number; failed: number }[]; W?: number }) {
  const max = niceMax(Math.max(0, ...data.map((d) => d.succeeded + d.failed)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const bw = plotW / Math.max(1, data.length);
  const total = data.reduce((s, d) => ({ ok: s.ok + d.succeeded, bad: s.bad + d.failed }), { ok: 0, bad: 0 });
  const last = data.length - 1;
  const labels = data.flatMap((d, i) =>
    i % 15 === 0 || i === last ? [{ x: i === 0 ? PAD.left : i === last ? W - PAD.right : PAD.left + bw * (i + 0.5), text: hhmm(d.minute) }] : [],
  );
  return (
    <svg viewBox={`0 0 ${W} ${H}`} class="chart" role="img" aria-label={`Attempts in the last hour: ${total.ok} succeeded, ${total.bad} failed.`}>
      <Axes max={max} labels={labels} W={W} />
      {data.map((d, i) => {
        const x = PAD.left + bw * i + bw * 0.15;
        const hOk = (d.succeeded / max) * plotH;
        const hBad = (d.failed / max) * plotH;
        const base = PAD.top + plotH;
        return (
          <g key={d.minute}>
            <title>{`${hhmm(d.minute)}: ${d.succeeded} succeeded, ${d.failed} failed`}</title>
            {hOk > 0 && <rect x={x} y={base - hOk} width={bw * 0.7} height={hOk} class="bar-ok" />}
            {hBad > 0 && <rect x={x} y={base - hOk - hBad} width={bw * 0.7} height={hBad} class="bar-bad" />}
          </g>
        );
      })}
    </svg>
  );
}

export function LineChart({ points, label, unit, W = 600 }: { points: { at: string; value: number }[]; label: string; unit: (v: number) => string; W?: number }) {
  if (points.length < 2) return <p class="muted small chart-empty">Collecting samples: the chart fills in while this page is open.</p>;
  const max = niceMax(Math.max(0, ...points.map((p) => p.value)));
  const t0 = Date.parse(points[0]!.at);
  const t1 = Math.max(t0 + 1, Date.parse(points[points.length - 1]!.at));
  const x = (iso: string) => PAD.left + ((Date.parse(iso) - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const last = points[points.length - 1]!;
  const labels = [points[0]!, last].map((p) => ({ x: x(p.at), text: hhmm(p.at) }));
  return (
    <svg viewBox={`0 0 ${W} ${H}`} class="chart" role="img" aria-label={`${label}: now ${unit(last.value)}.`}>
      <Axes max={max} labels={labels} W={W} />
      <path d={`${path} L${x(last.at).toFixed(1)},${y(0)} L${PAD.left},${y(0)} Z`} class="area" />
      <path d={path} class="line" />
    </svg>
  );
}
