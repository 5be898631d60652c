import type { Worker } from 'node:worker_threads';
import { startModuleThread } from '../threads/startModuleThread.js';
import { createSender, type Sender, type SenderOptions, type SendRequest, type SendResult } from './httpSender.js';
import { notSent } from './SendResult.js';

import type { FromThread, ThreadCall, ToThread } from '../threads/protocol.js';

/** The sender thread's methods: `send` answers with a SendResult; `close` and `destroy` once its connections are closed. */
export type SenderThreadMethod = 'send' | 'close' | 'destroy';

export interface ThreadedSender extends Sender {
  /** The worker, for diagnostics (and for tests that stop it to see the fallback take over). */
  readonly thread: Worker;
}

/**
 * A Sender whose HTTP work (connections, writing requests, parsing responses, the deadline
 * timers) runs on a worker thread, so that it uses the second core while the main thread
 * validates, stores and records (docs/architecture.md#threads). Requests made in one turn of
 * the event loop cross in one message; results come back batched the same way.
 *
 * If the thread dies, the attempts it held fail with `network` (their deliveries are retried
 * like any failed attempt) and later attempts are sent from this thread instead.
 */
export function createThreadedSender(opts: SenderOptions, onError: (err: Error) => void): ThreadedSender {
  const worker = startModuleThread(import.meta.url, 'senderThreadMain', { ...opts });
  worker.unref();
  const pending = new Map<number, (r: SendResult) => void>();
  let outbox: ThreadCall[] = [];
  let scheduled = false;
  let seq = 0;
  /** The id of the close call, answered once the thread's connections are closed. */
  let closeId = 0;
  let fallback: Sender | null = null;
  let closing: Promise<void> | null = null;
  let exited = false;
  let closedByThread!: () => void;
  const threadClosed = new Promise<void>((resolve) => (closedByThread = resolve));
  worker.once('exit', () => closedByThread());

  function settle(id: number, result: SendResult): void {
    const resolve = pending.get(id);
    if (!resolve) return;
    pending.delete(id);
    resolve(result);
  }

  // Holds the process open while attempts are out, as the sockets of an in-thread sender would.
  function track(): void {
    if (pending.size === 0 && !closing) worker.unref();
  }

  let started!: () => void;
  let failedToStart!: (err: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    started = resolve;
    failedToStart = reject;
  });
  // Nobody may ask; a thread that dies early is reported through onError as well.
  ready.catch(() => {});

  worker.on('message', (m: FromThread<true>) => {
    if ('replies' in m) {
      for (const [id, kind, value] of m.replies) {
        if (id === closeId) closedByThread();
        else settle(id, kind === 'result' ? (value as SendResult) : notSent('network'));
      }
    } else if ('ready' in m) {
      started();
    }
    track();
  });
  worker.on('error', (err) => onError(err));
  worker.once('exit', (code) => {
    exited = true;
    failedToStart(new Error(`the sending thread exited before it was ready (exit code ${code})`));
    if (!closing) {
      onError(new Error(`the sending thread stopped (exit code ${code}); sending from the main thread from now on`));
      fallback = createSender(opts);
    }
    for (const id of [...pending.keys()]) settle(id, notSent('network'));
  });

  function flush(): void {
    scheduled = false;
    const calls = outbox;
    outbox = [];
    if (exited) {
      for (const [id] of calls) settle(id, notSent('network'));
      return;
    }
    try {
      worker.postMessage({ calls } satisfies ToThread);
    } catch {
      // Something in the batch cannot be cloned: send what can, fail the rest.
      for (const call of calls) {
        try {
          worker.postMessage({ calls: [call] } satisfies ToThread);
        } catch {
          settle(call[0], notSent('invalid_request'));
        }
      }
    }
  }

  function closeWith(how: 'graceful' | 'abort'): Promise<void> {
    closing ??= (async () => {
      if (scheduled) flush();
      if (!exited) {
        worker.ref();
        closeId = ++seq;
        const method: SenderThreadMethod = how === 'abort' ? 'destroy' : 'close';
        worker.postMessage({ calls: [[closeId, 0, method, []]] } satisfies ToThread);
        await threadClosed;
        // Its connections are closed; end it, whatever else (a module loader) keeps its loop alive.
        await worker.terminate();
      }
      await fallback?.[how === 'abort' ? 'destroy' : 'close']();
    })();
    return closing;
  }

  return {
    thread: worker,
    ready: () => ready,
    send(req: SendRequest): Promise<SendResult> {
      if (fallback) return fallback.send(req);
      if (closing) return Promise.resolve(notSent('network'));
      const id = ++seq;
      if (pending.size === 0) worker.ref();
      const result = new Promise<SendResult>((resolve) => pending.set(id, resolve));
      // The client key crosses too: the TLS handshake that needs it happens on the thread.
      const request: SendRequest = { url: req.url, body: req.body, headers: req.headers, timeoutMs: req.timeoutMs };
      if (req.tls) request.tls = req.tls;
      if (req.contentType) request.contentType = req.contentType;
      if (req.method && req.method !== 'POST') request.method = req.method;
      outbox.push([id, 0, 'send' satisfies SenderThreadMethod, [request]]);
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
      return result;
    },
    close: () => closeWith('graceful'),
    destroy: () => closeWith('abort'),
  };
}
