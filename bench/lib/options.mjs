// The harness's flags. Defaults are the published benchmark; --quick is the CI smoke run.
import { parseArgs } from 'node:util';

export const fullCounts = Object.freeze({
  throughput: 200_000,
  latencyRate: 1000,
  latencySeconds: 30,
  latencyWarmupSeconds: 2,
  fanout: 1000,
  isolation: 200_000,
  backlog: 1_000_000,
  retryStorm: 200_000,
  slow: 100_000,
});

// A few seconds in all: enough for every code path to run and every event to be checked.
export const quickCounts = Object.freeze({
  throughput: 1000,
  latencyRate: 200,
  latencySeconds: 1,
  latencyWarmupSeconds: 0.3,
  fanout: 100,
  isolation: 1000,
  backlog: 2000,
  retryStorm: 1000,
  slow: 1000,
});

export const usage = `Usage: node bench/run.mjs [options]   (npm run bench -- [options])

  --quick               seconds, not minutes: tiny counts, SQLite and the ceiling (BullMQ when
                        Redis answers); the CI smoke test
  --scenarios <list>    a throughput, b latency, c fan-out, d isolation, e backlog,
                        f retry storm, g 10 % filters + 10 % transformations beside (a),
                        s throughput with +20 ms receivers (default: all)
  --stores <list>       sqlite, postgres (default: both; postgres = 1 and 2 processes)
  --no-bullmq           skip the BullMQ baseline
  --no-single-thread    skip Hookline on SQLite with HOOKLINE_THREADS=false (sqlite1t)
  --scale <factor>      multiply the event counts of a, d, e, f and s (the latency run's rate
                        and length and the fan-out's 1,000 stay); e.g. --scale 0.25 to finish
                        in about a quarter of the time on a slow machine
  --profile             run Hookline with --cpu-prof and summarise where its CPU went
  --out <dir>           write latest.json, benchmarks.md and the charts there instead of
                        bench/results/ and docs/
  --docs                regenerate docs/ even for a partial run
  -h, --help            this text`;

export function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      scenarios: { type: 'string' },
      stores: { type: 'string' },
      'no-bullmq': { type: 'boolean', default: false },
      'no-single-thread': { type: 'boolean', default: false },
      scale: { type: 'string' },
      profile: { type: 'boolean', default: false },
      out: { type: 'string' },
      docs: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const scale = values.scale === undefined ? 1 : Number(values.scale);
  if (!(scale > 0 && scale <= 10)) throw new Error(`--scale ${values.scale}: expected a number above 0 and at most 10`);
  const base = values.quick ? quickCounts : fullCounts;
  const counts = { ...base };
  for (const key of ['throughput', 'isolation', 'backlog', 'retryStorm', 'slow']) counts[key] = Math.max(100, Math.round(base[key] * scale));

  const scenarios = list(values.scenarios, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 's'], 'scenario');
  const stores = list(values.stores ?? (values.quick ? 'sqlite' : undefined), ['sqlite', 'postgres'], 'store');
  return {
    help: values.help,
    quick: values.quick,
    scale,
    scenarios,
    stores,
    bullmq: !values['no-bullmq'],
    singleThread: !values['no-single-thread'],
    profile: values.profile,
    out: values.out ?? null,
    forceDocs: values.docs,
    partial: values.scenarios !== undefined || values.stores !== undefined || values['no-bullmq'] || values['no-single-thread'],
    counts: Object.freeze(counts),
  };
}

function list(value, allowed, what) {
  if (value === undefined) return allowed;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) if (!allowed.includes(item)) throw new Error(`unknown ${what} "${item}"; expected one of ${allowed.join(', ')}`);
  return items;
}
