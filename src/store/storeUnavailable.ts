import { HooklineError } from '../errors.js';

/** STORE_UNAVAILABLE for a driver's error, which stays reachable as the cause for the log. */
export function storeUnavailable(detail: string, cause: unknown): HooklineError {
  const out = new HooklineError('STORE_UNAVAILABLE', detail);
  out.cause = cause;
  return out;
}

/** A thrown value that is not an Error (a driver may reject with anything) as one. */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
