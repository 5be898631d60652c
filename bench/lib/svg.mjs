// A horizontal grouped bar chart as a standalone SVG: no dependency, readable on GitHub in
// light and dark themes (it draws its own white background).
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function barChart({ title, subtitle = '', groups, format = (v) => String(v), target = null, legend = [], logFrom = null }) {
  const width = 820;
  const labelWidth = 230;
  const plotWidth = width - labelWidth - 110;
  const bar = 16;
  const gap = 4;
  const groupGap = 18;
  const top = 58 + (legend.length ? 20 : 0) + (target ? 14 : 0);
  const max = Math.max(1e-9, ...groups.flatMap((g) => g.bars.map((b) => b.value ?? 0)), target?.value ?? 0) * 1.05;
  // A log axis when values span orders of magnitude (latencies from 1 ms to seconds), so the
  // small ones stay readable; `logFrom` is where bars start.
  const x = logFrom
    ? (v) => labelWidth + (plotWidth * Math.max(0, Math.log10(Math.max(v, logFrom) / logFrom))) / Math.log10(max / logFrom)
    : (v) => labelWidth + (plotWidth * v) / max;
  const parts = [];
  let y = top;
  for (const g of groups) {
    parts.push(`<text x="10" y="${y + 12}" font-weight="600">${esc(g.label)}</text>`);
    y += 20;
    for (const b of g.bars) {
      const w = Math.max(1, x(b.value ?? 0) - labelWidth);
      parts.push(`<text x="${labelWidth - 8}" y="${y + bar - 4}" text-anchor="end">${esc(b.label)}</text>`);
      parts.push(`<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${b.color}"/>`);
      parts.push(`<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + bar - 4}">${esc(b.value === null ? 'n/a' : format(b.value))}</text>`);
      y += bar + gap;
    }
    y += groupGap;
  }
  if (target) {
    const tx = x(target.value).toFixed(1);
    parts.push(`<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${y - groupGap}" stroke="#c0392b" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${tx}" y="${top - 10}" text-anchor="middle" fill="#c0392b">${esc(target.label)}</text>`);
  }
  const legendParts = legend.map((l, i) => `<rect x="${labelWidth + i * 120}" y="44" width="12" height="12" fill="${l.color}"/><text x="${labelWidth + i * 120 + 16}" y="54">${esc(l.label)}</text>`);
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12" fill="#222">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="22" font-size="15" font-weight="600">${esc(title)}</text>`,
    `<text x="10" y="38" fill="#555">${esc(subtitle)}</text>`,
    ...legendParts,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
