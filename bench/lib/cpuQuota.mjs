// A CPU quota for one process (all its threads, present and future), through the kernel's CFS
// bandwidth control: cgroup v1's cpu controller or cgroup v2's cpu.max. Used to give each
// Hookline process a fixed share of a core, so that what N processes deliver can be compared
// with one on a machine with fewer cores than processes plus database.
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const V1 = '/sys/fs/cgroup/cpu';
const V2 = '/sys/fs/cgroup';
const PERIOD_US = 100_000;

function layout() {
  if (existsSync(join(V1, 'cpu.cfs_quota_us'))) return 'v1';
  try {
    if (readFileSync(join(V2, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('cpu')) return 'v2';
  } catch {
    // neither
  }
  return null;
}

/** Why quotas cannot be set here, or null when they can. */
export function cpuQuotaUnavailable() {
  const kind = layout();
  if (!kind) return 'no cgroup cpu controller';
  try {
    accessSync(kind === 'v1' ? V1 : V2, constants.W_OK);
    return null;
  } catch {
    return `the cgroup ${kind} cpu hierarchy is not writable`;
  }
}

/** Puts `pid` in a cgroup of its own limited to `cores` (0.5: half of one core); returns the way to undo it. */
export function capProcess(pid, cores) {
  const kind = layout();
  const base = kind === 'v1' ? V1 : V2;
  const dir = join(base, `hookline-bench-${process.pid}-${pid}`);
  mkdirSync(dir, { recursive: true });
  const quota = Math.round(cores * PERIOD_US);
  if (kind === 'v1') {
    writeFileSync(join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
    writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quota));
  } else {
    writeFileSync(join(dir, 'cpu.max'), `${quota} ${PERIOD_US}`);
  }
  writeFileSync(join(dir, 'cgroup.procs'), String(pid));
  return {
    /** Seconds the quota held the process back (the kernel's throttled time). */
    throttledSeconds() {
      const stat = readFileSync(join(dir, 'cpu.stat'), 'utf8');
      const m = /^throttled_(time|usec) (\d+)/m.exec(stat);
      if (!m) return null;
      return m[1] === 'time' ? Number(m[2]) / 1e9 : Number(m[2]) / 1e6;
    },
    release() {
      try {
        for (const p of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) writeFileSync(join(base, 'cgroup.procs'), p);
        rmdirSync(dir);
      } catch {
        // the process is gone and the kernel still counts it for a moment; the next run's name differs
      }
    },
  };
}
