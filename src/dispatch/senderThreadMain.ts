import { parentPort, workerData } from 'node:worker_threads';
import type { FromThread, ThreadReply, ToThread } from '../threads/protocol.js';
import { createSender, type SenderOptions, type SendRequest } from './httpSender.js';
import type { SenderThreadMethod } from './SenderThread.js';

/**
 * The sending thread: a plain `createSender` answering calls (src/threads/protocol.ts). Replies
 * are posted once per turn of this thread's event loop, so that the responses read in one poll
 * phase cross in one message.
 */
const port = parentPort!;
const sender = createSender(workerData as SenderOptions);
let out: ThreadReply[] = [];
let scheduled = false;
let closed = false;
port.postMessage({ ready: true } satisfies FromThread<true>);

function post(): void {
  scheduled = false;
  if (out.length === 0 || closed) return;
  const replies = out;
  out = [];
  port.postMessage({ replies } satisfies FromThread<true>);
}

function answered(reply: ThreadReply): void {
  out.push(reply);
  if (!scheduled) {
    scheduled = true;
    setImmediate(post);
  }
}

port.on('message', (m: ToThread) => {
  for (const [id, , method, args] of m.calls) {
    if ((method as SenderThreadMethod) === 'send') {
      void sender.send(args[0] as SendRequest).then((r) => answered([id, 'result', r]));
      continue;
    }
    void (method === 'destroy' ? sender.destroy() : sender.close()).then(() => {
      post();
      closed = true;
      port.postMessage({ replies: [[id, 'result', undefined]] } satisfies FromThread<true>);
      port.close();
    });
  }
});
