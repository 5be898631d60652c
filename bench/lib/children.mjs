// Every process the harness starts is registered here, so that no receiver, worker, Hookline
// or Redis started by the run outlives it: on a normal exit, on an error, or on Ctrl-C.
import { fork, spawn } from 'node:child_process';

const live = new Set();

function track(child) {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

export function spawnTracked(command, args, options) {
  return track(spawn(command, args, options));
}

export function forkTracked(modulePath, args, options) {
  return track(fork(modulePath, args, options));
}

export function killAll(signal = 'SIGKILL') {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
}

/** Resolves with the exit code (or signal) once `child` has exited; at once if it already has. */
export function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}

/** SIGTERM, then SIGKILL if the child has not gone within `graceMs`. */
export async function stopChild(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? child.signalCode;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const code = await exited(child);
  clearTimeout(timer);
  return code;
}

const cleanups = new Set();

/** Work to undo if the run is interrupted (a database to drop, a directory to remove); returns the way to unregister it. */
export function onInterrupt(fn) {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

let installed = false;
let interruptedBy = null;

/** The signal that interrupted the run, or null: the run stops starting new work once set. */
export const interrupted = () => interruptedBy;

/** Kills every tracked child when the harness exits for any reason, and cleans up on Ctrl-C. */
export function killChildrenOnExit() {
  if (installed) return;
  installed = true;
  process.on('exit', () => killAll());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, async () => {
      interruptedBy = signal;
      process.stderr.write(`\nbench: ${signal}, stopping every process it started\n`);
      killAll();
      const all = Promise.allSettled([...cleanups].map((fn) => fn()));
      await Promise.race([all, new Promise((r) => setTimeout(r, 5000))]);
      process.exit(130);
    });
  }
}
