import type { Worker } from 'node:worker_threads';
import { HooklineError } from '../../errors.js';
import { startModuleThread } from '../../threads/startModuleThread.js';
import type { Store, StoreCapabilities } from '../Store.js';
import { compactResults } from './compactResults.js';
import { deserializeError, type FromThread, type ToThread } from '../../threads/protocol.js';

type Hello = { kind: 'sqlite' | 'postgres'; capabilities: StoreCapabilities; methods: string[] };
type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; restore?: ((result: unknown) => unknown) | undefined };

/**
 * Opens the SQLite store on a worker thread of its own and returns a Store that forwards every
 * call to it. better-sqlite3 is synchronous: on the main thread every statement and commit
 * stopped the API and the dispatcher for as long as it ran, and in the throughput profile
 * SQLite was 40 % of a saturated main thread (docs/architecture.md#threads).
 *
 * Calls run on the thread in the order they are made. If the thread dies, every call fails
 * with STORE_UNAVAILABLE, which the API answers with 503 and the dispatcher retries; nothing
 * accepted is lost, since a 202 is only sent after the thread's commit. `onDeath` lets the
 * process end itself then (a process that cannot store should be restarted, not kept).
 */
export async function openStoreThread(
  databaseUrl: string,
  /** Called once if the thread stops by itself (not by close): the process cannot store any more. */
  onDeath: (err: Error) => void = () => {},
): Promise<Store & { readonly thread: Worker }> {
  const worker = startModuleThread(import.meta.url, 'storeThreadMain', { databaseUrl });
  const pending = new Map<number, Pending>();
  let seq = 0;
  let gone: Error | null = null;

  const hello = await new Promise<Hello>((resolve, reject) => {
    worker.once('message', (m: FromThread<Hello>) => {
      if ('ready' in m) resolve(m.ready);
      else if ('failed' in m) reject(deserializeError(m.failed));
      else reject(new Error('the store thread spoke before it was ready'));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the store thread exited while opening the database (exit code ${code})`)));
  });

  worker.on('message', (m: FromThread<Hello>) => {
    if (!('replies' in m)) return;
    for (const reply of m.replies) {
      const p = pending.get(reply[0]);
      if (!p) continue;
      pending.delete(reply[0]);
      if (reply[1] === 'error') p.reject(deserializeError(reply[2]));
      else if (reply[1] === 'remote') p.resolve(remoteObject(reply[2].handle, reply[2].methods));
      else p.resolve(p.restore ? p.restore(reply[2]) : reply[2]);
    }
    if (pending.size === 0) worker.unref();
  });
  const die = (why: string): void => {
    gone ??= new HooklineError('STORE_UNAVAILABLE', `The SQLite store thread stopped (${why}); restart Hookline.`);
    for (const p of pending.values()) p.reject(gone);
    pending.clear();
  };
  worker.on('error', (err) => die(err.message));
  let closing = false;
  worker.on('exit', (code) => {
    const unexpected = !gone && !closing;
    die(`exit code ${code}`);
    if (unexpected) onDeath(gone!);
  });
  worker.unref();

  function call(target: number, method: string, args: unknown[]): Promise<unknown> {
    if (gone) return Promise.reject(gone);
    const id = ++seq;
    // Referenced only while a call is out, as a socket of the PostgreSQL store would be.
    if (pending.size === 0) worker.ref();
    const compact = target === 0 ? compactResults[method] : undefined;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, restore: compact && ((result) => compact.restore(result, args)) });
      try {
        worker.postMessage({ calls: [[id, target, method, args]] } satisfies ToThread);
      } catch (err) {
        pending.delete(id);
        reject(err as Error);
      }
    });
  }

  function remoteObject(handle: number, methods: string[]): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    for (const m of methods) o[m] = (...args: unknown[]) => call(handle, m, args);
    return o;
  }

  const store = remoteObject(0, hello.methods) as unknown as Record<string, unknown>;
  store.kind = hello.kind;
  store.capabilities = Object.freeze(hello.capabilities);
  store.thread = worker;
  const close = store.close as () => Promise<void>;
  store.close = async () => {
    closing = true;
    if (!gone) await close();
    gone ??= new HooklineError('STORE_UNAVAILABLE', 'The store is closed.');
    await worker.terminate();
  };
  return store as unknown as Store & { thread: Worker };
}
