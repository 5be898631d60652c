import { errorCatalog, HooklineError, type ErrorCode } from '../../errors.js';
import type { StoreCapabilities } from '../Store.js';

/** A call of `method` on object `target` of the store thread (0 is the store itself). */
export interface ToStoreThread {
  id: number;
  target: number;
  method: string;
  args: unknown[];
}

export type FromStoreThread =
  | { ready: { kind: 'sqlite' | 'postgres'; capabilities: StoreCapabilities; methods: string[] } }
  | { failed: SerializedError }
  | { id: number; result: unknown }
  | { id: number; remote: { handle: number; methods: string[] } }
  | { id: number; error: SerializedError };

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
  if (e.stack) out.stack = `${out.name}: ${out.message}\n    (on the store thread)\n${e.stack.split('\n').slice(1).join('\n')}`;
  return out;
}
