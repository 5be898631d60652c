import { Worker } from 'node:worker_threads';

// From the TypeScript sources (tests, `tsx`), the thread must load tsx itself: loader hooks
// registered with --import do not reach worker threads on Node 20.
const BOOT = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.entry.endsWith('.ts')) (await import('tsx/esm/api')).register();
  await import(workerData.entry);
})().catch((err) => { throw err; });
`;

/**
 * Starts a worker thread running the module `name` next to `from` (an `import.meta.url`),
 * whether the caller runs from the compiled `.js` files or from the `.ts` sources.
 */
export function startModuleThread(from: string, name: string, data: Record<string, unknown>): Worker {
  const ext = from.endsWith('.ts') ? '.ts' : '.js';
  const entry = new URL(`./${name}${ext}`, from).href;
  return new Worker(BOOT, { eval: true, workerData: { ...data, entry } });
}
