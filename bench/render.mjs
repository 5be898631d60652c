#!/usr/bin/env node
// Regenerates docs/benchmarks.md and its charts from bench/results/latest.json without
// measuring again: after editing bench/analysis.md or the report's layout.
// Usage: node bench/render.mjs [results.json] [docs-dir]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateTargets } from './lib/targets.mjs';
import { writeDocs } from './lib/outputs.mjs';
import { scenarios } from './scenarios/index.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const report = JSON.parse(readFileSync(process.argv[2] ?? join(root, 'bench/results/latest.json'), 'utf8'));
if (report.options.quick) {
  process.stderr.write('render: these are the results of a quick run; the published report needs a full one.\n');
  process.exit(2);
}
report.targets = evaluateTargets(report.results);
writeDocs(report, { docsDir: process.argv[3] ?? join(root, 'docs'), scenarios, root });
