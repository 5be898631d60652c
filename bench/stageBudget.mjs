#!/usr/bin/env node
// The CPU budget of one delivery by stage (issue 19 §1), beside the bare-undici ceiling in the
// same run: runs scenario (a) on SQLite and the ceiling through bench/run.mjs with --profile,
// then charges every profile sample of Hookline's three JavaScript threads to a stage
// (bench/lib/stages.mjs) over the window from its first publish to its last outcome record, so
// start-up and shutdown are counted apart. Profiles give each stage's share of the busy time;
// /proc gives the process's CPU, which includes V8's helper threads (concurrent GC, the
// compiler): those are spread over the stages in proportion, the GC row holds only the
// collections the JavaScript threads did themselves.
//
//   npm run build && node bench/stageBudget.mjs [--scale 0.25] [--runs 2]
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAGES, mainFallback, stagesOfProfile } from './lib/stages.mjs';
import { summariseProfile } from './lib/cpuProfile.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { scale: { type: 'string', default: '0.25' }, runs: { type: 'string', default: '2' }, keep: { type: 'boolean', default: false } } });

function threadOf(file) {
  const m = /\.(\d+)\.(\d+)\.\d+\.cpuprofile$/.exec(file);
  if (m && Number(m[2]) === 0) return 'main';
  const top = summariseProfile(file, 1).modules[0]?.module ?? '';
  return /store|sqlite/.test(top) ? 'store' : 'sender';
}

const fallbacks = { main: mainFallback, store: () => 'other', sender: () => 'send' };
const windows = { main: ['store publish', 'record outcome'], store: ['store publish', 'record outcome'], sender: ['send', 'send'] };

function budgetOf(out) {
  const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
  const hook = report.results.find((r) => r.scenario === 'a' && r.system === 'sqlite');
  const ceiling = report.results.find((r) => r.scenario === 'a' && r.system === 'ceiling');
  if (!hook?.ok || !ceiling?.ok) throw new Error(`a run failed: ${JSON.stringify(report.results.map((r) => [r.system, r.ok, r.error]))}`);
  const n = hook.healthyDelivered;
  const perThread = {};
  let windowMs = 0;
  let outsideMs = 0;
  for (const p of hook.profiles ?? []) {
    const file = join(root, p.file);
    const thread = threadOf(file);
    const { ms, outsideMs: outside } = stagesOfProfile(file, fallbacks[thread], windows[thread]);
    perThread[thread] = ms;
    windowMs += Object.values(ms).reduce((a, b) => a + b, 0);
    outsideMs += outside;
  }
  // Profiles give each stage's share; /proc gives the CPU. The process's CPU outside the
  // delivery window (start-up, shutdown) is taken in the proportion the profiles saw it.
  const procUs = ((hook.cpu.byRole.Hookline ?? 0) * 1e6) / n;
  const windowUs = procUs * (windowMs / (windowMs + outsideMs));
  const share = (ms) => (windowMs > 0 ? (ms / windowMs) * windowUs : 0);
  const rows = STAGES.map((stage) => {
    const cells = ['main', 'store', 'sender'].map((t) => share(perThread[t]?.[stage] ?? 0));
    return { stage, cells, total: cells.reduce((a, b) => a + b, 0) };
  });
  const helpers = procUs - windowUs;
  const ceilingUs = ((ceiling.cpu.byRole['baseline sender'] ?? 0) * 1e6) / ceiling.healthyDelivered;
  return {
    deliveries: n,
    hooklinePerSec: hook.deliveriesPerSec ?? hook.healthyPerSec,
    ceilingPerSec: ceiling.deliveriesPerSec ?? ceiling.healthyPerSec,
    rows,
    helpers,
    procUs,
    ceilingUs,
    other: hook.cpu.other / hook.cpu.capacity,
  };
}

const budgets = [];
for (let i = 0; i < Number(values.runs); i++) {
  const out = mkdtempSync(join(tmpdir(), 'hookline-stage-budget-'));
  const r = spawnSync(process.execPath, [join(root, 'bench/run.mjs'), '--scenarios', 'a', '--stores', 'sqlite', '--no-bullmq', '--profile', '--scale', values.scale, '--out', out], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`bench/run.mjs exited ${r.status}`);
  budgets.push(budgetOf(out));
  if (!values.keep) rmSync(out, { recursive: true, force: true });
  else process.stderr.write(`profiles kept in ${out}\n`);
}

const f = (x) => x.toFixed(0);
const across = (get) => budgets.map(get).map(f).join(' / ');
console.log(`Runs: ${budgets.length}, each ${budgets[0].deliveries.toLocaleString('en-US')} deliveries; figures per run separated by " / ".\n`);
console.log('| stage | main thread µs | store thread µs | sender thread µs | total µs per delivery |');
console.log('|---|---|---|---|---|');
for (let s = 0; s < STAGES.length; s++) {
  console.log(`| ${STAGES[s]} | ${across((b) => b.rows[s].cells[0])} | ${across((b) => b.rows[s].cells[1])} | ${across((b) => b.rows[s].cells[2])} | ${across((b) => b.rows[s].total)} |`);
}
console.log(`| start-up and shutdown | | | | ${across((b) => b.helpers)} |`);
console.log(`| **Hookline, all threads (/proc)** | | | | **${across((b) => b.procUs)}** |`);
console.log(`| ceiling's sender per request (/proc) | | | | ${across((b) => b.ceilingUs)} |`);
console.log(`| ratio Hookline ÷ ceiling, CPU | | | | ${budgets.map((b) => (b.procUs / b.ceilingUs).toFixed(2)).join(' / ')}× |`);
console.log(`| deliveries/s Hookline ÷ ceiling | | | | ${budgets.map((b) => (b.hooklinePerSec / b.ceilingPerSec).toFixed(2)).join(' / ')}× |`);
console.log(`| other work on the machine | | | | ${budgets.map((b) => `${(b.other * 100).toFixed(0)} %`).join(' / ')} |`);
