// Where a run's results go: the table on stdout, the JSON file, and (for a full run) the
// regenerated docs/benchmarks.md with its charts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { columns, resultRows, terminalTable, ratioNote } from './table.mjs';
import { evaluateTargets } from './targets.mjs';
import { renderReport } from './report.mjs';
import { throughputChart, latencyChart } from './charts.mjs';

export function writeOutputs(report, { root, options, scenarios }) {
  // Tiny counts measure start-up, not throughput: a quick run checks that nothing is lost, and
  // judges no target.
  report.targets = options.quick ? [] : evaluateTargets(report.results);
  printSummary(report, scenarios, options.quick);

  const resultsDir = options.out ?? join(root, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  // The published figures stay those of the last full run: a quick or partial one goes beside them (git ignores it).
  const partial = !options.out && (options.quick || (options.partial && !options.forceDocs));
  const jsonFile = join(resultsDir, partial ? 'partial.tmp.json' : 'latest.json');
  writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\nResults: ${relative(process.cwd(), jsonFile) || jsonFile}\n`);

  // A quick or partial run must not overwrite the published report with a fraction of it.
  const docsDir = options.out ?? (options.quick || (options.partial && !options.forceDocs) ? null : join(root, 'docs'));
  if (!docsDir) {
    process.stdout.write('docs/benchmarks.md not regenerated (quick or partial run; --docs forces it).\n');
    return;
  }
  writeDocs(report, { docsDir, scenarios, root });
}

export function printSummary(report, scenarios, quick) {
  const out = process.stdout;
  out.write(`\n${terminalTable(columns, resultRows(report.results, scenarios))}\n\n${ratioNote}\n\n`);
  out.write(quick ? 'Targets: not judged in a quick run.\n' : 'Targets\n');
  for (const t of report.targets) out.write(`  ${t.status === 'met' ? '✓' : t.status === 'missed' ? '✗' : '·'} ${t.text}: ${t.status}${t.actual ? ` (${t.actual})` : ''}\n`);
  for (const note of report.notes) out.write(`  note: ${note}\n`);
}

export function writeDocs(report, { docsDir, scenarios, root }) {
  mkdirSync(docsDir, { recursive: true });
  const charts = { throughput: 'benchmarks-throughput.svg', latency: 'benchmarks-latency.svg' };
  writeFileSync(join(docsDir, charts.throughput), throughputChart(report.results));
  writeFileSync(join(docsDir, charts.latency), latencyChart(report.results));
  writeFileSync(join(docsDir, 'benchmarks.md'), renderReport(report, { scenarios, charts, root }));
  process.stdout.write(`Report: ${relative(process.cwd(), join(docsDir, 'benchmarks.md'))}\n`);
}
