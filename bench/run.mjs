#!/usr/bin/env node
// Hookline's end-to-end delivery benchmark: `npm run bench` (after `npm run build`).
// Separate processes for the load generator (this one), Hookline and the receiver, all on
// 127.0.0.1; every run checks that every event arrived. Method and results: docs/benchmarks.md.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killChildrenOnExit, killAll, interrupted } from './lib/children.mjs';
import { readOptions, usage } from './lib/options.mjs';
import { startReceiver } from './lib/receiverProcess.mjs';
import { cliPath } from './lib/hooklineProcess.mjs';
import { postgresReachable } from './lib/postgres.mjs';
import { ensureRedis } from './lib/redis.mjs';
import { isHookline } from './lib/systems.mjs';
import { summariseProfile } from './lib/cpuProfile.mjs';
import { startCpuAccounting } from './lib/cpuAccounting.mjs';
import { describeMachine } from './lib/machine.mjs';
import { writeOutputs } from './lib/outputs.mjs';
import { scenarios } from './scenarios/index.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

killChildrenOnExit();
let options;
try {
  options = readOptions(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`bench: ${err.message}\n\n${usage}\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
if (!existsSync(cliPath)) {
  process.stderr.write('bench: dist/cli/main.js is missing; run `npm run build` first (npm run bench does).\n');
  process.exit(2);
}

const started = new Date();
const notes = [];
const systems = await availableSystems(options, notes);
const receiver = await startReceiver();
const outDir = options.out ?? join(root, 'bench/results');
const profileRoot = join(outDir, 'profiles');
// Profiles of an earlier run in the same folders would be summarised as this run's.
rmSync(profileRoot, { recursive: true, force: true });
const results = [];

try {
  for (const id of options.scenarios) {
    const scenario = scenarios[id];
    for (const system of scenario.systems.filter((s) => systems.includes(s))) {
      const profileDir = (s) => (options.profile && isHookline(s) ? join(profileRoot, `${id}-${s}`) : null);
      const ctx = { receiver, counts: options.counts, quick: options.quick, publishInFlight: 4, profileDir };
      const entry = { scenario: id, system };
      const t0 = Date.now();
      const cpu = startCpuAccounting();
      try {
        Object.assign(entry, await scenario.run(ctx, system), { ok: true });
      } catch (err) {
        if (interrupted()) await new Promise(() => {}); // the signal handler is cleaning up and will exit
        Object.assign(entry, { ok: false, error: err.message, lost: err.name === 'LostEventsError' });
        process.stderr.write(`bench: (${id}) ${system} FAILED: ${err.stack ?? err.message}\n`);
      }
      entry.elapsedMs = Date.now() - t0;
      entry.cpu = cpu.stop();
      const dir = profileDir(system);
      if (dir && existsSync(dir)) entry.profiles = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => ({ file: relative(root, join(dir, f)), ...summariseProfile(join(dir, f)) }));
      results.push(entry);
    }
  }
} finally {
  await receiver.stop();
}

const failed = results.filter((r) => !r.ok);
const report = {
  startedAt: started.toISOString(),
  finishedAt: new Date().toISOString(),
  command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
  machine: describeMachine(),
  options: { quick: options.quick, scale: options.scale, scenarios: options.scenarios, stores: options.stores, profile: options.profile },
  counts: options.counts,
  notes,
  results,
};
writeOutputs(report, { root, options, scenarios });

if (failed.length > 0) {
  const lost = failed.some((r) => r.lost);
  process.stderr.write(`\nbench: ${failed.length} run(s) FAILED${lost ? ', some with deliveries that never arrived within their time cap' : ''}:\n`);
  for (const r of failed) process.stderr.write(`  (${r.scenario}) ${r.system}: ${r.error.split('\n')[0]}\n`);
  killAll();
  process.exit(1);
}
killAll();
process.exit(0);

/** The systems this run can measure: missing services are skipped in --quick, fatal otherwise. */
async function availableSystems(opts, notes) {
  const out = ['ceiling'];
  if (opts.bullmq) {
    if (await ensureRedis({ start: !opts.quick })) out.push('bullmq');
    else if (opts.quick) notes.push('BullMQ skipped: Redis is not reachable on 127.0.0.1:6379.');
    else fail('Redis is not reachable on 127.0.0.1:6379 and redis-server could not be started; install it, or pass --no-bullmq.');
  }
  if (opts.stores.includes('sqlite')) out.push(...(opts.singleThread ? ['sqlite', 'sqlite1t'] : ['sqlite']));
  if (opts.stores.includes('postgres')) {
    if (await postgresReachable()) out.push('pg1', 'pg2', 'pg3');
    else if (opts.quick) notes.push('PostgreSQL skipped: nothing answers on 127.0.0.1:5432.');
    else fail('PostgreSQL is not reachable at postgres://postgres@127.0.0.1:5432 (trust auth); start it, or pass --stores sqlite.');
  }
  return out;
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

