import { parentPort, workerData } from 'node:worker_threads';
import { SqliteStore } from '../sqlite/SqliteStore.js';
import { compactResults } from './compactResults.js';
import { serializeError, type FromStoreThread, type ToStoreThread } from './protocol.js';

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
  port.postMessage({ ready: { kind: store.kind, capabilities: { ...store.capabilities }, methods: methodNames(store) } } satisfies FromStoreThread);
} catch (err) {
  port.postMessage({ failed: serializeError(err) } satisfies FromStoreThread);
}

port.on('message', async (m: ToStoreThread) => {
  const target = objects.get(m.target);
  try {
    if (!target) {
      // end() is safe to call twice; its object is forgotten after the first.
      if (m.method === 'end') return port.postMessage({ id: m.id, result: undefined } satisfies FromStoreThread);
      throw new Error(`store thread: no object ${m.target}`);
    }
    const result = await (target[m.method] as (...a: unknown[]) => unknown).apply(target, m.args);
    if (isPlainData(result)) {
      const compact = m.target === 0 ? compactResults[m.method] : undefined;
      port.postMessage({ id: m.id, result: compact ? compact.compact(result) : result } satisfies FromStoreThread);
    } else {
      const handle = nextHandle++;
      objects.set(handle, result as Record<string, unknown>);
      port.postMessage({ id: m.id, remote: { handle, methods: methodNames(result as object) } } satisfies FromStoreThread);
    }
    if (m.target !== 0 && m.method === 'end') objects.delete(m.target);
    if (m.target === 0 && m.method === 'close') port.close();
  } catch (err) {
    port.postMessage({ id: m.id, error: serializeError(err) } satisfies FromStoreThread);
  }
});
