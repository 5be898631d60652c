import { parentPort, workerData } from 'node:worker_threads';
import { getQuickJS } from 'quickjs-emscripten';
import type { FromThread, ToThread } from '../threads/protocol.js';
import { SandboxCache } from './SandboxCache.js';

/**
 * The transform thread: QuickJS sandboxes answering `run` calls in the order they came
 * (src/threads/protocol.ts). A call is synchronous here, so the thread is busy for its length
 * and nothing else; each answer is posted as soon as its call ends, which is how the main
 * thread's watchdog knows which call is running.
 */
const port = parentPort!;
const cache = new SandboxCache(await getQuickJS(), (workerData as { budgetMs?: number }).budgetMs);
// WebAssembly functions are compiled on their first call: one call here, so that the first
// business's call after a (re)start is not charged for it and mistaken by the watchdog.
cache.call('warm-up', 'function handler(r) { return r; }', '{"body":{}}');
cache.forget('warm-up');
port.postMessage({ ready: true } satisfies FromThread<true>);

port.on('message', (m: ToThread) => {
  for (const [id, , , args] of m.calls) {
    const [key, code, requestJson] = args as [string, string, string];
    const outcome = cache.call(key, code, requestJson);
    port.postMessage({ replies: [[id, 'result', outcome.ok ? { json: outcome.json } : { error: outcome.message }]] } satisfies FromThread<true>);
  }
});
