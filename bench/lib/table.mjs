// The results as rows, shared by the terminal table and the Markdown report.
import { describeFigure, formatNumber, formatRatio, ratio } from './figures.mjs';
import { allSystems, isHookline } from './systems.mjs';

export const columns = ['scenario', 'system', 'result', 'vs ceiling', 'vs BullMQ', 'peak RSS'];

export function resultRows(results, scenarios) {
  const rows = [];
  for (const r of results) {
    const hookline = isHookline(r.system);
    rows.push([
      `(${r.scenario}) ${scenarios[r.scenario]?.title ?? ''}`,
      allSystems[r.system]?.label ?? r.system,
      describeFigure(r),
      hookline && r.ok ? formatRatio(ratio(results, r, 'ceiling')) : '',
      hookline && r.ok ? formatRatio(ratio(results, r, 'bullmq')) : '',
      r.peakRssMb ? `${formatNumber(r.peakRssMb)} MB` : '',
    ]);
  }
  return rows;
}

export function terminalTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function markdownTable(header, rows) {
  const esc = (c) => String(c).replace(/\|/g, '\\|');
  return [`| ${header.map(esc).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export const ratioNote =
  'Ratios are Hookline ÷ baseline: for rates higher is better (0.50× = half the rate), for times lower is better (2.00× = twice as long). † compared with the baseline of scenario (a), which has the same healthy traffic.';
