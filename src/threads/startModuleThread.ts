import { Worker } from 'node:worker_threads';
import { forgetThread, threadIdSlot } from './threadCpu.js';

// From the TypeScript sources (tests, `tsx`), the thread must load tsx itself: loader hooks
// registered with --import do not reach worker threads on Node 20.
// It first writes the thread's Linux id into its slot (src/threads/threadCpu.ts), where /proc has one.
const BOOT = `
const { workerData } = require('node:worker_threads');
try {
  Atomics.store(workerData.threadIdSlot, 0, Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()) || 0);
} catch {}
(async () => {
  if (workerData.entry.endsWith('.ts')) (await import('tsx/esm/api')).register();
  await import(workerData.entry);
})().catch((err) => { throw err; });
`;

/**
 * The young generation of each worker thread, in MB. Each thread is an isolate with its own,
 * and V8's default let each grow to about 30 MB committed during a backlog drain, though the
 * store and sender threads keep little alive between messages (docs/architecture.md#memory).
 */
export const WORKER_YOUNG_GENERATION_MB = 8;

/**
 * Starts a worker thread running the module `name` next to `from` (an `import.meta.url`),
 * whether the caller runs from the compiled `.js` files or from the `.ts` sources.
 */
export function startModuleThread(from: string, name: string, data: Record<string, unknown>): Worker {
  const ext = from.endsWith('.ts') ? '.ts' : '.js';
  const entry = new URL(`./${name}${ext}`, from).href;
  // `storeThreadMain` reports as `store` in hookline_thread_cpu_seconds.
  const slot = threadIdSlot(name.replace(/ThreadMain$/, ''));
  const worker = new Worker(BOOT, { eval: true, workerData: { ...data, entry, threadIdSlot: slot }, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
  worker.once('exit', () => forgetThread(slot));
  return worker;
}
