#!/usr/bin/env node
// The CPU budget of one delivery by stage (issue 19 §1), beside the bare-undici ceiling in the
// same run: runs scenario (a) on SQLite and the ceiling through bench/run.mjs with --profile,
// then charges every profile sample of Hookline's three JavaScript threads to a stage
// (bench/lib/stages.mjs) over the window from its first publish to its last outcome record, so
// start-up and shutdown are counted apart. The process reports each thread's CPU over that
// window (hookline_thread_cpu_seconds, read from /metrics at both ends): each thread's figure is
// split over the stages by its own profile, whose samples are wall time and so give shares
// only; V8's helper threads (concurrent GC marking, the compiler) get a row of their own, and
// the GC row holds the collections the JavaScript threads did themselves. A build without the
// metric (an older checkout given to --before) has the process's CPU spread by the profiles.
//
// With --before <checkout> (another checkout, built), each run also measures that build, in
// alternating order, so a change is priced against what it replaced in the same sitting: the
// table then has a "before" and an "after" figure per stage and the ratio of the totals.
//
//   npm run build && node bench/stageBudget.mjs [--scale 0.25] [--runs 2] [--before ../base]
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAGES, mainFallback, stagesOfProfile } from './lib/stages.mjs';
import { summariseProfile } from './lib/cpuProfile.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { scale: { type: 'string', default: '0.25' }, runs: { type: 'string', default: '2' }, keep: { type: 'boolean', default: false }, before: { type: 'string' } } });

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
  const procUs = ((hook.cpu.byRole.Hookline ?? 0) * 1e6) / n;
  const measured = hook.windowCpu?.[0];
  let rows;
  let helpers;
  let helperThreads = null;
  if (measured && measured.threads.main !== undefined) {
    // The process reports each thread's CPU over the delivery window (hookline_thread_cpu_seconds):
    // each thread's figure is split over the stages by that thread's own profile, and V8's and
    // libuv's helper threads get a row of their own instead of being spread in proportion.
    const threadUs = (t) => ((measured.threads[t] ?? 0) * 1e6) / n;
    const shareOf = (t, stage) => {
      const ms = perThread[t] ?? {};
      const total = Object.values(ms).reduce((a, b) => a + b, 0);
      return total > 0 ? ((ms[stage] ?? 0) / total) * threadUs(t) : 0;
    };
    rows = STAGES.map((stage) => {
      const cells = ['main', 'store', 'sender'].map((t) => shareOf(t, stage));
      return { stage, cells, total: cells.reduce((a, b) => a + b, 0) };
    });
    helperThreads = (measured.helpers * 1e6) / n;
    helpers = procUs - (measured.process * 1e6) / n;
  } else {
    // An older build without the metric: profiles give each stage's share and /proc the CPU;
    // the CPU outside the delivery window is taken in the proportion the profiles saw it.
    const windowUs = procUs * (windowMs / (windowMs + outsideMs));
    const share = (ms) => (windowMs > 0 ? (ms / windowMs) * windowUs : 0);
    rows = STAGES.map((stage) => {
      const cells = ['main', 'store', 'sender'].map((t) => share(perThread[t]?.[stage] ?? 0));
      return { stage, cells, total: cells.reduce((a, b) => a + b, 0) };
    });
    helpers = procUs - windowUs;
  }
  const ceilingUs = ((ceiling.cpu.byRole['baseline sender'] ?? 0) * 1e6) / ceiling.healthyDelivered;
  return {
    deliveries: n,
    hooklinePerSec: hook.deliveriesPerSec ?? hook.healthyPerSec,
    ceilingPerSec: ceiling.deliveriesPerSec ?? ceiling.healthyPerSec,
    rows,
    helpers,
    helperThreads,
    procUs,
    ceilingUs,
    other: hook.cpu.other / hook.cpu.capacity,
  };
}

function measure(cli) {
  const out = mkdtempSync(join(tmpdir(), 'hookline-stage-budget-'));
  const env = cli ? { ...process.env, HOOKLINE_BENCH_CLI: cli } : process.env;
  const r = spawnSync(process.execPath, [join(root, 'bench/run.mjs'), '--scenarios', 'a', '--stores', 'sqlite', '--no-bullmq', '--no-single-thread', '--profile', '--scale', values.scale, '--out', out], { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (r.status !== 0) throw new Error(`bench/run.mjs exited ${r.status}`);
  const budget = budgetOf(out);
  if (!values.keep) rmSync(out, { recursive: true, force: true });
  else process.stderr.write(`profiles kept in ${out}\n`);
  return budget;
}

const beforeCli = values.before ? join(values.before, 'dist/cli/main.js') : null;
const budgets = [];
const befores = [];
for (let i = 0; i < Number(values.runs); i++) {
  // Alternating which goes first cancels a drift in the machine's other work over the sitting.
  if (beforeCli && i % 2 === 0) befores.push(measure(beforeCli));
  budgets.push(measure(null));
  if (beforeCli && i % 2 === 1) befores.push(measure(beforeCli));
}

const f = (x) => x.toFixed(0);
const across = (list, get) => list.map(get).map(f).join(' / ');
function printTable(list, title) {
  console.log(`\n${title}: ${list.length} runs, each ${list[0].deliveries.toLocaleString('en-US')} deliveries; figures per run separated by " / ".\n`);
  console.log('| stage | main thread µs | store thread µs | sender thread µs | total µs per delivery |');
  console.log('|---|---|---|---|---|');
  for (let s = 0; s < STAGES.length; s++) {
    console.log(`| ${STAGES[s]} | ${across(list, (b) => b.rows[s].cells[0])} | ${across(list, (b) => b.rows[s].cells[1])} | ${across(list, (b) => b.rows[s].cells[2])} | ${across(list, (b) => b.rows[s].total)} |`);
  }
  if (list.some((b) => b.helperThreads !== null)) console.log(`| V8 and libuv helper threads (concurrent GC marking, compiler, thread pool) | | | | ${list.map((b) => (b.helperThreads === null ? 'spread above' : f(b.helperThreads))).join(' / ')} |`);
  console.log(`| start-up and shutdown | | | | ${across(list, (b) => b.helpers)} |`);
  console.log(`| **Hookline, all threads (/proc)** | | | | **${across(list, (b) => b.procUs)}** |`);
  console.log(`| ceiling's sender per request (/proc) | | | | ${across(list, (b) => b.ceilingUs)} |`);
  console.log(`| ratio Hookline ÷ ceiling, CPU | | | | ${list.map((b) => (b.procUs / b.ceilingUs).toFixed(2)).join(' / ')}× |`);
  console.log(`| deliveries/s Hookline ÷ ceiling | | | | ${list.map((b) => (b.hooklinePerSec / b.ceilingPerSec).toFixed(2)).join(' / ')}× |`);
  console.log(`| other work on the machine | | | | ${list.map((b) => `${(b.other * 100).toFixed(0)} %`).join(' / ')} |`);
}
if (befores.length > 0) printTable(befores, `Before (${values.before})`);
printTable(budgets, befores.length > 0 ? 'After (this checkout)' : 'This checkout');
if (befores.length > 0) {
  // Each figure against the ceiling of its own run first, so the machine's drift cancels.
  const rel = (list) => list.map((b) => b.procUs / b.ceilingUs);
  const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
  const stageMean = (list, s) => mean(list.map((b) => b.rows[s].total));
  console.log('\n| stage | before µs (mean) | after µs (mean) | after ÷ before |');
  console.log('|---|---|---|---|');
  for (let s = 0; s < STAGES.length; s++) {
    const b = stageMean(befores, s);
    const a = stageMean(budgets, s);
    console.log(`| ${STAGES[s]} | ${f(b)} | ${f(a)} | ${b > 0 ? (a / b).toFixed(2) : '–'}× |`);
  }
  const pb = mean(befores.map((b) => b.procUs));
  const pa = mean(budgets.map((b) => b.procUs));
  console.log(`| **all threads (/proc)** | **${f(pb)}** | **${f(pa)}** | **${(pa / pb).toFixed(2)}×** |`);
  console.log(`| ÷ ceiling of the same run | ${mean(rel(befores)).toFixed(2)}× | ${mean(rel(budgets)).toFixed(2)}× | ${(mean(rel(budgets)) / mean(rel(befores))).toFixed(2)}× |`);
}
