import { parentPort, workerData } from 'node:worker_threads';
import { getQuickJS } from 'quickjs-emscripten';
import type { FromThread, ThreadReply, ToThread } from '../threads/protocol.js';
import { SandboxCache } from './SandboxCache.js';

/**
 * The transform thread: QuickJS sandboxes answering `run` calls one at a time
 * (src/threads/protocol.ts). A call is synchronous here, so the thread is busy for its
 * length and nothing else; the main thread stops the whole thread when one call overstays.
 */
const port = parentPort!;
const cache = new SandboxCache(await getQuickJS(), (workerData as { budgetMs?: number }).budgetMs);
// WebAssembly functions are compiled on their first call: one call here, so that the first
// business's call after a (re)start is not charged for it and mistaken by the watchdog.
cache.call('warm-up', 'function handler(r) { return r; }', '{"body":{}}');
cache.forget('warm-up');
port.postMessage({ ready: true } satisfies FromThread<true>);

port.on('message', (m: ToThread) => {
  const replies: ThreadReply[] = [];
  for (const [id, , , args] of m.calls) {
    const [key, code, requestJson] = args as [string, string, string];
    const outcome = cache.call(key, code, requestJson);
    replies.push([id, 'result', outcome.ok ? { json: outcome.json } : { error: outcome.message }]);
  }
  port.postMessage({ replies } satisfies FromThread<true>);
});
