import { errorCatalog, HooklineError, type ErrorCode } from '../errors.js';

/**
 * The one message protocol between the main thread and the worker threads it starts (the
 * SQLite store's, the sender's). The main thread calls methods by name on objects of the
 * thread (target 0 is the thread's own: the store, the sender); the thread answers each call
 * by its id. Calls made in one turn may cross in one message and replies likewise, which is how
 * the sender thread keeps its messages few; tuples rather than objects keep them cheap to copy.
 */
export type ThreadCall = [id: number, target: number, method: string, args: unknown[]];

export type ThreadReply =
  | [id: number, kind: 'result', value: unknown]
  | [id: number, kind: 'error', error: SerializedError]
  /** The result is not plain data (a retention sweep): it stays on the thread, called by its handle. */
  | [id: number, kind: 'remote', remote: { handle: number; methods: string[] }];

export interface ToThread {
  calls: ThreadCall[];
}

/** The thread's first message is `ready` (with what the caller needs to know of it) or `failed`; replies follow. */
export type FromThread<Hello> = { ready: Hello } | { failed: SerializedError } | { replies: ThreadReply[] };

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  extensions?: Record<string, unknown>;
  stack?: string;
}

/** Errors cross threads as data: a HooklineError keeps its catalogue code, others their name and `code`. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof HooklineError) return { name: err.name, message: err.message, code: err.code, extensions: err.extensions, stack: err.stack };
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: err.message, code: typeof code === 'string' ? code : undefined, stack: err.stack };
  }
  return { name: 'Error', message: String(err) };
}

export function deserializeError(e: SerializedError): Error {
  if (e.name === 'HooklineError' && e.code && e.code in errorCatalog) {
    return new HooklineError(e.code as ErrorCode, e.message, e.extensions ?? {});
  }
  const out = e.name === 'TypeError' ? new TypeError(e.message) : new Error(e.message);
  if (e.name !== 'TypeError') out.name = e.name;
  if (e.code !== undefined) (out as Error & { code?: string }).code = e.code;
  if (e.stack) out.stack = `${out.name}: ${out.message}\n    (on a worker thread)\n${e.stack.split('\n').slice(1).join('\n')}`;
  return out;
}
