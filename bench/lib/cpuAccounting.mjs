// Where the machine's CPU went during a run, by role: Hookline, the receiver, the load
// generator, the baseline's sender, PostgreSQL, Redis, and everything else on the machine.
// On two shared cores a rate means little without this: the receiver and the database run on
// the same cores as the process being measured, and so does other people's work.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on

function readStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const f = text.slice(close + 2).split(' ');
    return { comm, ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null;
  }
}

function readCmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

function machineTicks() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
  return { busy: user + nice + system + irq + softirq + steal, idle: idle + iowait };
}

const childRoles = [
  [/dist\/cli\/main\.js (serve|worker)/, 'Hookline'],
  [/bench\/receiver\.mjs/, 'receiver'],
  [/ceilingSender\.mjs|bullmqWorker\.mjs/, 'baseline sender'],
];

/** Samples every process twice a second until `stop()`, which returns core-seconds per role. */
export function startCpuAccounting({ harnessPid = process.pid, intervalMs = 500 } = {}) {
  const roles = new Map();
  const first = new Map();
  const last = new Map();
  const before = new Set();
  const m0 = machineTicks();
  const t0 = Date.now();

  function roleOf(pid, stat, parents) {
    if (roles.has(pid)) return roles.get(pid);
    let role = null;
    if (pid === harnessPid) role = 'load generator';
    else if (stat.comm === 'redis-server') role = 'Redis';
    else if (stat.comm === 'postgres') {
      // Backends serving the benchmark's own databases, and the server's shared helpers.
      const cmd = readCmdline(pid);
      if (/hookline_bench_|walwriter|checkpointer|background writer|autovacuum|startup|logger|stats/.test(cmd)) role = 'PostgreSQL';
    } else {
      for (let p = stat.ppid, hops = 0; p > 1 && hops < 8; p = parents.get(p) ?? 0, hops++) {
        if (p !== harnessPid) continue;
        const cmd = readCmdline(pid);
        role = childRoles.find(([re]) => re.test(cmd))?.[1] ?? null;
        break;
      }
    }
    roles.set(pid, role);
    return role;
  }

  function sample(initial) {
    const stats = new Map();
    const parents = new Map();
    for (const name of readdirSync('/proc')) {
      const pid = Number(name);
      if (!Number.isInteger(pid)) continue;
      const s = readStat(pid);
      if (!s) continue;
      stats.set(pid, s);
      parents.set(pid, s.ppid);
    }
    for (const [pid, s] of stats) {
      if (initial) before.add(pid);
      if (!roleOf(pid, s, parents)) continue;
      // A process that started during the run has used nothing before it.
      if (!first.has(pid)) first.set(pid, before.has(pid) ? s.ticks : 0);
      last.set(pid, s.ticks);
    }
  }

  sample(true);
  const timer = setInterval(() => sample(false), intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample(false);
      const m1 = machineTicks();
      const seconds = (Date.now() - t0) / 1000;
      const byRole = {};
      for (const [pid, ticks] of last) {
        const role = roles.get(pid);
        byRole[role] = (byRole[role] ?? 0) + (ticks - first.get(pid)) / TICKS_PER_SECOND;
      }
      const busy = (m1.busy - m0.busy) / TICKS_PER_SECOND;
      const idle = (m1.idle - m0.idle) / TICKS_PER_SECOND;
      const known = Object.values(byRole).reduce((a, b) => a + b, 0);
      return { seconds, capacity: busy + idle, byRole, other: Math.max(0, busy - known), idle };
    },
  };
}
