import { readFileSync } from 'node:fs';

/**
 * CPU time per thread of this process, for `hookline_thread_cpu_seconds` (docs/observability.md#metrics).
 * The process's CPU alone cannot say which of the main, store, sender and transform threads is
 * the one at its limit, and each is a different remedy. Linux keeps each thread's time in
 * /proc/self/task/<tid>/stat; a worker thread learns its own id from /proc/thread-self when it
 * starts (startModuleThread's boot code) and writes it into a shared slot, since Node gives no
 * way to ask for it from outside.
 * Elsewhere (no /proc) the slots stay 0 and nothing is reported.
 */
const threads = new Map<Int32Array, string>();

/** A slot for a thread about to start as `role`; kept until `forget`. */
export function threadIdSlot(role: string): Int32Array {
  const slot = new Int32Array(new SharedArrayBuffer(4));
  threads.set(slot, role);
  return slot;
}

export function forgetThread(slot: Int32Array): void {
  threads.delete(slot);
}

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux Node supports

/** Seconds of CPU (user + system) per role, the main thread included; empty where /proc is missing. */
export function threadCpuSeconds(): Map<string, number> {
  const out = new Map<string, number>();
  const main = taskSeconds(process.pid);
  if (main === null) return out;
  out.set('main', main);
  for (const [slot, role] of threads) {
    const tid = Atomics.load(slot, 0);
    const seconds = tid > 0 ? taskSeconds(tid) : null;
    if (seconds !== null) out.set(role, (out.get(role) ?? 0) + seconds);
  }
  return out;
}

function taskSeconds(tid: number): number | null {
  try {
    const text = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
