import { parentPort, workerData } from 'node:worker_threads';
import { getQuickJS } from 'quickjs-emscripten';
import type { FromThread, ThreadReply, ToThread } from '../threads/protocol.js';
import { SandboxCache } from './SandboxCache.js';

/**
 * The transform thread: QuickJS sandboxes answering `run` calls in the order they came
 * (src/threads/protocol.ts), a batch's answers in one message. A call is synchronous here, so
 * the thread is busy for its length and nothing else; which call runs, and since when, is
 * written to memory the main thread's watchdog reads.
 */
const port = parentPort!;
const { budgetMs, running: shared } = workerData as { budgetMs?: number; running: SharedArrayBuffer };
/** [id of the call running, when it started], for the main thread's watchdog; 0 between batches. */
const running = new Float64Array(shared);
const cache = new SandboxCache(await getQuickJS(), budgetMs);
// WebAssembly functions are compiled on their first call: one call here, so that the first
// business's call after a (re)start is not charged for it and mistaken by the watchdog.
cache.call('warm-up', 'function handler(r) { return r; }', '{"body":{}}');
cache.forget('warm-up');
port.postMessage({ ready: true } satisfies FromThread<true>);

port.on('message', (m: ToThread) => {
  const replies: ThreadReply[] = [];
  for (const [id, , , args] of m.calls) {
    const [key, code, requestJson] = args as [string, string, string];
    // The start first: a watchdog that reads the new id beside the old time only waits longer.
    running[1] = Date.now();
    running[0] = id;
    const outcome = cache.call(key, code, requestJson);
    replies.push([id, 'result', outcome.ok ? { json: outcome.json } : { error: outcome.message }]);
  }
  running[0] = 0;
  port.postMessage({ replies } satisfies FromThread<true>);
});
