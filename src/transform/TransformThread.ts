import type { Worker } from 'node:worker_threads';
import { startModuleThread } from '../threads/startModuleThread.js';
import type { FromThread, ToThread } from '../threads/protocol.js';
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

/**
 * The transform thread, seen from the dispatcher's thread. Calls go one at a time, so that when
 * one overstays (a built-in looping in C where QuickJS's interrupt cannot reach it) the culprit
 * is known: that call fails, the thread is stopped and started again, and the calls behind it
 * run on the new one. The dispatcher's thread never runs a business's code, so a hostile
 * transformation costs other webhooks at most a wait for this queue, never the event loop.
 */
export function createTransformThread(
  onError: (err: Error) => void = () => {},
  { hardLimitMs = TRANSFORM_HARD_LIMIT_MS, budgetMs = TRANSFORM_BUDGET_MS }: { hardLimitMs?: number; budgetMs?: number } = {},
): Transformer {
  const queue: Call[] = [];
  let worker: Worker | null = null;
  let current: Call | null = null;
  let watchdog: NodeJS.Timeout | null = null;
  let seq = 0;
  let closed = false;
  let restarts = 0;

  function start(): Worker {
    const w = startModuleThread(import.meta.url, 'transformThreadMain', { budgetMs });
    w.on('message', (m: FromThread<true>) => {
      if (w !== worker) return;
      if ('ready' in m) {
        next();
      } else if ('replies' in m) {
        for (const [id, kind, value] of m.replies) {
          if (!current || current.id !== id) continue;
          finish(kind === 'result' ? (value as TransformCallResult) : { error: 'the transform thread could not run this call' });
        }
      } else {
        onError(new Error(`the transform thread could not start: ${m.failed.message}`));
      }
    });
    w.on('error', (err) => onError(err));
    w.once('exit', () => {
      if (w !== worker) return;
      // Died on its own (not stopped by the watchdog): the call it held fails, the rest go on.
      worker = null;
      if (current) finish({ error: 'the transform thread stopped while running this transformation' });
      else if (queue.length > 0 && !closed) worker = start();
    });
    return w;
  }

  function finish(result: TransformCallResult): void {
    if (watchdog) clearTimeout(watchdog);
    watchdog = null;
    const call = current!;
    current = null;
    call.resolve(result);
    next();
  }

  function next(): void {
    if (current || closed) return;
    const call = queue.shift();
    if (!call) {
      worker?.unref();
      return;
    }
    if (!worker) {
      queue.unshift(call);
      worker = start();
      return;
    }
    worker.ref();
    current = call;
    watchdog = setTimeout(overstayed, hardLimitMs);
    worker.postMessage({ calls: [[call.id, 0, 'run', call.args]] } satisfies ToThread);
  }

  function overstayed(): void {
    watchdog = null;
    const stopped = worker;
    worker = null;
    restarts++;
    void stopped?.terminate();
    finish({ error: `stopped: the transformation ran past ${hardLimitMs} ms of wall time` });
  }

  return {
    get restarts() {
      return restarts;
    },
    run(key, code, requestJson) {
      if (closed) return Promise.resolve({ error: 'Hookline is shutting down' });
      return new Promise((resolve) => {
        queue.push({ id: ++seq, args: [key, code, requestJson], resolve });
        next();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      if (watchdog) clearTimeout(watchdog);
      for (const call of queue.splice(0)) call.resolve({ error: 'Hookline is shutting down' });
      current?.resolve({ error: 'Hookline is shutting down' });
      current = null;
      const w = worker;
      worker = null;
      await w?.terminate();
    },
  };
}
