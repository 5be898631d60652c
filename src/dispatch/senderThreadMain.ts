import { parentPort, workerData } from 'node:worker_threads';
import { createSender, type SenderOptions, type SendResult } from './httpSender.js';
import type { FromSenderThread, ToSenderThread } from './SenderThread.js';

/**
 * The sending thread: a plain `createSender` fed by messages. Results are posted once per turn
 * of this thread's event loop, so that the responses read in one poll phase cross in one message.
 */
const port = parentPort!;
const sender = createSender(workerData as SenderOptions);
let out: [number, SendResult][] = [];
let scheduled = false;
let closed = false;
port.postMessage({ ready: true } satisfies FromSenderThread);

function post(): void {
  scheduled = false;
  if (out.length === 0 || closed) return;
  const results = out;
  out = [];
  port.postMessage({ results } satisfies FromSenderThread);
}

function settled(id: number, result: SendResult): void {
  out.push([id, result]);
  if (!scheduled) {
    scheduled = true;
    setImmediate(post);
  }
}

port.on('message', (m: ToSenderThread) => {
  if ('jobs' in m) {
    for (const [id, url, body, headers, timeoutMs] of m.jobs) {
      void sender.send({ url, body, headers, timeoutMs }).then((r) => settled(id, r));
    }
    return;
  }
  void (m.close === 'abort' ? sender.destroy() : sender.close()).then(() => {
    post();
    closed = true;
    port.postMessage({ closed: true } satisfies FromSenderThread);
    port.close();
  });
});
