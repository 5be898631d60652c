import type { Worker } from 'node:worker_threads';
import { startModuleThread } from '../threads/startModuleThread.js';
import type { FromThread, ThreadCall, ToThread } from '../threads/protocol.js';
import { TRANSFORM_BUDGET_MS, TRANSFORM_HARD_LIMIT_MS } from './transformLimits.js';

/** What a transformation call answers: the handler's result as JSON text, or why there is none. */
export type TransformCallResult = { json: string } | { error: string };

/** Runs transformations somewhere other than the calling thread. Never rejects. */
export interface Transformer {
  /** `key` names the sandbox (webhook and code version); `code` compiles it when it is new. */
  run(key: string, code: string, requestJson: string): Promise<TransformCallResult>;
  /** Stops the thread; calls still waiting answer with an error. Safe to call twice. */
  close(): Promise<void>;
  /** How many times the thread was stopped for overstaying and started again. */
  readonly restarts: number;
}

interface Call {
  id: number;
  args: [string, string, string];
  resolve: (r: TransformCallResult) => void;
}

/** Calls that cross in one message; more wait for the next. */
const MAX_BATCH = 256;

/**
 * The transform thread, seen from the dispatcher's thread. The calls made while the thread is
 * busy cross in one message and their answers come back in one, so that the attempts they
 * belong to go on to the sender and the recorder together, as untransformed ones do. The thread
 * writes which call it is running, and since when, into shared memory; when one runs past the
 * hard limit (a built-in looping in C where QuickJS's interrupt cannot reach it), that call
 * fails, the thread is stopped and started again, and the batch's other calls are sent to the
 * new one (a transformation is a function of its request, so running one again is harmless).
 * The dispatcher's thread never runs a business's code, so a hostile transformation costs other
 * webhooks' transformations at most a wait in this queue, and deliveries without one nothing.
 */
export function createTransformThread(
  onError: (err: Error) => void = () => {},
  { hardLimitMs = TRANSFORM_HARD_LIMIT_MS, budgetMs = TRANSFORM_BUDGET_MS }: { hardLimitMs?: number; budgetMs?: number } = {},
): Transformer {
  const queue: Call[] = [];
  /** Sent and not answered yet, in the order the thread runs them. */
  let sent: Call[] = [];
  let worker: Worker | null = null;
  let ready = false;
  let watchdog: NodeJS.Timeout | null = null;
  let seq = 0;
  let closed = false;
  let restarts = 0;
  /** [id of the call running, when it started]: written by the thread, read by the watchdog. */
  let running = new Float64Array(new SharedArrayBuffer(16));

  function start(): void {
    // A stopped thread may still be writing its last call into the old memory.
    running = new Float64Array(new SharedArrayBuffer(16));
    const w = startModuleThread(import.meta.url, 'transformThreadMain', { budgetMs, running: running.buffer });
    worker = w;
    ready = false;
    w.on('message', (m: FromThread<true>) => {
      if (w !== worker) return;
      if ('ready' in m) {
        ready = true;
        flush();
      } else if ('replies' in m) {
        for (const [id, kind, value] of m.replies) answered(id, kind === 'result' ? (value as TransformCallResult) : { error: 'the transform thread could not run this call' });
      } else {
        onError(new Error(`the transform thread could not start: ${m.failed.message}`));
      }
    });
    w.on('error', (err) => onError(err));
    w.once('exit', (code) => {
      if (w !== worker) return;
      worker = null;
      stopWatch();
      if (!ready) {
        // It never started (a module that cannot load): fail what waits rather than restart in a loop;
        // the next call tries again.
        onError(new Error(`the transform thread exited before it was ready (exit code ${code})`));
        for (const call of [...sent, ...queue.splice(0)]) call.resolve({ error: 'the transform thread could not start' });
        sent = [];
        return;
      }
      // Died on its own (not stopped by the watchdog): the running call fails, the rest go on.
      const culprit = sent.find((c) => c.id === running[0]) ?? sent[0];
      queue.unshift(...sent.filter((c) => c !== culprit));
      sent = [];
      culprit?.resolve({ error: 'the transform thread stopped while running this transformation' });
      if (!closed && queue.length > 0) start();
    });
  }

  function answered(id: number, result: TransformCallResult): void {
    const i = sent.findIndex((c) => c.id === id);
    if (i < 0) return;
    const [call] = sent.splice(i, 1);
    if (sent.length === 0) stopWatch();
    call!.resolve(result);
    if (sent.length === 0) flush();
  }

  function flush(): void {
    if (closed) return;
    if (!worker) {
      if (queue.length > 0) start();
      return;
    }
    if (!ready || sent.length > 0) return;
    if (queue.length === 0) {
      worker.unref();
      return;
    }
    const batch = queue.splice(0, MAX_BATCH);
    sent = batch;
    worker.ref();
    watch(hardLimitMs);
    worker.postMessage({ calls: batch.map((c): ThreadCall => [c.id, 0, 'run', c.args]) } satisfies ToThread);
  }

  function watch(ms: number): void {
    watchdog = setTimeout(check, ms);
  }

  function check(): void {
    watchdog = null;
    const id = running[0]!;
    const startedAt = running[1]!;
    const call = sent.find((c) => c.id === id);
    // Between two calls, or not started yet: look again a limit later.
    if (!call) return watch(hardLimitMs);
    const left = startedAt + hardLimitMs - Date.now();
    if (left > 0) return watch(left);
    overstayed(call);
  }

  function stopWatch(): void {
    if (watchdog) clearTimeout(watchdog);
    watchdog = null;
  }

  function overstayed(culprit: Call): void {
    const stopped = worker;
    worker = null;
    restarts++;
    void stopped?.terminate();
    const rest = sent.filter((c) => c !== culprit);
    sent = [];
    queue.unshift(...rest);
    culprit.resolve({ error: `stopped: the transformation ran past ${hardLimitMs} ms of wall time` });
    flush();
  }

  return {
    get restarts() {
      return restarts;
    },
    run(key, code, requestJson) {
      if (closed) return Promise.resolve({ error: 'Hookline is shutting down' });
      return new Promise((resolve) => {
        queue.push({ id: ++seq, args: [key, code, requestJson], resolve });
        // Calls made in the same turn cross together.
        if (queue.length === 1) queueMicrotask(flush);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      stopWatch();
      for (const call of [...sent, ...queue.splice(0)]) call.resolve({ error: 'Hookline is shutting down' });
      sent = [];
      const w = worker;
      worker = null;
      await w?.terminate();
    },
  };
}
