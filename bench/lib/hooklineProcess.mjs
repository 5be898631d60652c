// One `hookline serve` process, started from the built CLI exactly as an operator would.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnTracked, stopChild } from './children.mjs';

// HOOKLINE_BENCH_CLI runs another build for a whole run (bench/stageBudget.mjs --before).
export const cliPath = process.env.HOOKLINE_BENCH_CLI ?? fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/**
 * `settings` are HOOKLINE_* variables; `profileDir` adds --cpu-prof, whose file V8 writes when
 * the process exits normally, which is why `stop` sends SIGTERM and waits. `cli` runs another
 * build (an older checkout's dist/cli/main.js, to measure before and after in one sitting).
 */
export async function startHookline({ settings, profileDir = null, startTimeoutMs = 30_000, cli = cliPath }) {
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const env = { ...withoutHooklineVars(process.env), HOOKLINE_LOG_LEVEL: 'warn', HOOKLINE_ALLOW_PRIVATE_NETWORKS: 'true', HOOKLINE_PORT: '0', ...settings };
  const child = spawnTracked(process.execPath, [...nodeArgs, cli, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hookline serve did not start within ${startTimeoutMs} ms:\n${output}`)), startTimeoutMs);
    const check = () => {
      const m = /Hookline listening on (http:\/\/\S+)/.exec(output);
      if (!m) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      resolve(m[1]);
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hookline serve exited (${code}) before listening:\n${output}`));
    });
  });
  return {
    url,
    pid: child.pid,
    output: () => output,
    /** Peak resident set size so far, in MiB (the kernel's high-water mark for this process). */
    peakRssMb: () => readStatusMb(child.pid, 'VmHWM'),
    rssMb: () => readStatusMb(child.pid, 'VmRSS'),
    async stop() {
      const code = await stopChild(child, 30_000);
      if (code !== 0) throw new Error(`hookline serve stopped with ${code}:\n${output.slice(-2000)}`);
    },
  };
}

// The harness's own HOOKLINE_* settings must not leak into the processes it measures.
function withoutHooklineVars(env) {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('HOOKLINE_')));
}

function readStatusMb(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}
