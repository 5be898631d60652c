import { HooklineError } from '../errors.js';
import { isUnavailable as sqliteCannotServe } from './sqlite/storeErrors.js';
import { isUnavailable as postgresCannotServe } from './postgres/storeErrors.js';

/*
 * Each store's error module (`sqlite/storeErrors.ts`, `postgres/storeErrors.ts`) knows its
 * own driver and exports the same two functions: `isUnavailable(err): boolean` and
 * `toStoreError(err): Error`, built on `storeUnavailable.ts`.
 */

/**
 * Whether `err` means "the database cannot serve right now", from whichever store raised it:
 * for code outside the stores (the API's last resort) that must not know which one is open.
 * Neither driver module is loaded by this: both error modules only read codes and messages.
 */
export function isStoreUnavailable(err: unknown): boolean {
  if (err instanceof HooklineError) return err.code === 'STORE_UNAVAILABLE';
  return sqliteCannotServe(err) || postgresCannotServe(err);
}
