import { parentPort, workerData } from 'node:worker_threads';
import { SqliteStore } from '../sqlite/SqliteStore.js';
import { compactResults } from './compactResults.js';
import type { StoreCapabilities } from '../Store.js';
import { serializeError, type FromThread, type ThreadCall, type ThreadReply, type ToThread } from '../../threads/protocol.js';

type Hello = { kind: 'sqlite' | 'postgres'; capabilities: StoreCapabilities; methods: string[] };

/**
 * The store thread: one SqliteStore, called by message. Calls run one at a time in the order
 * they were posted, which is the order the main thread made them, as they ran before.
 * Objects a call returns that are not plain data (a retention sweep) stay here; the main
 * thread gets a handle and calls their methods by it.
 */
const port = parentPort!;
const objects = new Map<number, Record<string, unknown>>();
let nextHandle = 1;

function methodNames(o: object): string[] {
  const names = new Set<string>();
  for (let p: object | null = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const n of Object.getOwnPropertyNames(p)) {
      if (n !== 'constructor' && typeof (o as Record<string, unknown>)[n] === 'function') names.add(n);
    }
  }
  return [...names];
}

function isPlainData(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === Object.prototype || proto === null;
}

let store: SqliteStore;
try {
  store = SqliteStore.open(workerData.databaseUrl as string);
  objects.set(0, store as unknown as Record<string, unknown>);
  port.postMessage({ ready: { kind: store.kind, capabilities: { ...store.capabilities }, methods: methodNames(store) } } satisfies FromThread<Hello>);
} catch (err) {
  port.postMessage({ failed: serializeError(err) } satisfies FromThread<Hello>);
}

function reply(r: ThreadReply): void {
  port.postMessage({ replies: [r] } satisfies FromThread<Hello>);
}

async function answer([id, targetId, method, args]: ThreadCall): Promise<void> {
  const target = objects.get(targetId);
  try {
    if (!target) {
      // end() is safe to call twice; its object is forgotten after the first.
      if (method === 'end') return reply([id, 'result', undefined]);
      throw new Error(`store thread: no object ${targetId}`);
    }
    const result = await (target[method] as (...a: unknown[]) => unknown).apply(target, args);
    if (isPlainData(result)) {
      const compact = targetId === 0 ? compactResults[method] : undefined;
      reply([id, 'result', compact ? compact.compact(result) : result]);
    } else {
      const handle = nextHandle++;
      objects.set(handle, result as Record<string, unknown>);
      reply([id, 'remote', { handle, methods: methodNames(result as object) }]);
    }
    if (targetId !== 0 && method === 'end') objects.delete(targetId);
    if (targetId === 0 && method === 'close') port.close();
  } catch (err) {
    reply([id, 'error', serializeError(err)]);
  }
}

// Each call starts in the order it was posted, as each used to start its own message's handler.
port.on('message', (m: ToThread) => {
  for (const call of m.calls) void answer(call);
});
