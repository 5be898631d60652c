import { HooklineError } from '../../errors.js';
import { asError, storeUnavailable } from '../storeUnavailable.js';

/**
 * What each SQLite result code that means "the database cannot do this now" tells an operator
 * to do. Primary codes only: extended ones (SQLITE_IOERR_WRITE, SQLITE_BUSY_SNAPSHOT,
 * SQLITE_READONLY_DBMOVED) are matched by their prefix. https://www.sqlite.org/rescode.html
 */
const UNAVAILABLE: Record<string, string> = {
  SQLITE_BUSY: 'another connection holds the database write lock; writes wait busy_timeout for it, then give up',
  SQLITE_LOCKED: 'the database is locked',
  SQLITE_FULL: 'the disk holding the database is full; free some space',
  SQLITE_READONLY: 'the database file cannot be written; check the permissions of the file and its directory and that the filesystem is not read-only',
  SQLITE_IOERR: 'the disk failed to read or write the database file',
  SQLITE_CANTOPEN: 'the database file cannot be opened; check that its directory exists and is writable',
  SQLITE_NOMEM: 'SQLite ran out of memory',
  SQLITE_PROTOCOL: 'the database lock protocol failed, usually under heavy contention from another process',
};

function primaryCode(code: string): string {
  const m = /^SQLITE_[A-Z]+/.exec(code);
  return m ? m[0] : code;
}

export function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && primaryCode(code) in UNAVAILABLE) return true;
  // better-sqlite3 throws a TypeError, not a SqliteError, once the connection is closed.
  return err instanceof TypeError && /database connection is not open/.test(err.message);
}

/**
 * Maps better-sqlite3 errors onto the catalogue, so callers see STORE_UNAVAILABLE (503; the
 * dispatcher retries) whatever the disk did; constraint errors and bugs pass through.
 */
export function toStoreError(err: unknown): Error {
  if (err instanceof HooklineError || !isUnavailable(err)) return asError(err);
  const code = String((err as { code?: unknown }).code ?? 'closed');
  const why = UNAVAILABLE[primaryCode(code)] ?? 'the database connection is closed';
  return storeUnavailable(`The SQLite database cannot be used right now (${code}: ${why}); try again shortly.`, err);
}

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * better-sqlite3 can throw from any statement of any method. Rather than a try/catch in each
 * of forty methods (and in every one added later), every method of `target`, own or
 * inherited, is replaced on the instance by one that maps what it throws or rejects with.
 * Accessors are left alone: reading one on the prototype would run it there.
 */
export function guardStoreErrors<T extends object>(target: T): T {
  const seen = new Set<string>();
  for (let proto = Object.getPrototypeOf(target) as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (seen.has(name) || name === 'constructor') continue;
      seen.add(name);
      const fn = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
      if (typeof fn !== 'function') continue;
      const method = fn as AnyFunction;
      Object.defineProperty(target, name, {
        configurable: true,
        writable: true,
        value: (...args: unknown[]) => {
          let result: unknown;
          try {
            result = method.apply(target, args);
          } catch (err) {
            throw toStoreError(err);
          }
          return result instanceof Promise
            ? result.catch((err: unknown) => {
                throw toStoreError(err);
              })
            : result;
        },
      });
    }
  }
  return target;
}
