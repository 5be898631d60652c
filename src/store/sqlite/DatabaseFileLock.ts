import Database from 'better-sqlite3';
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { HooklineError } from '../../errors.js';

/** Held for as long as this process uses the SQLite file; `release` is safe to call twice. */
export interface DatabaseFileLock {
  readonly path: string;
  release(): void;
}

/**
 * Makes this process the only Hookline server on a SQLite file (issue 12: two servers on one
 * file both sent, and a webhook's `max_in_flight` of 3 saw 6 requests at once).
 *
 * The lock is SQLite's own, taken on a sidecar file `<db>.lock` by a connection that begins an
 * exclusive transaction and never ends it. Locking the database file itself would not do: the
 * store's own connection must read and write it, and in WAL mode an exclusive locking mode
 * would also shut out backups and a `sqlite3` shell. SQLite's locks are POSIX advisory locks,
 * which the kernel drops when the process ends however it ends (SIGKILL included), so a
 * restart never finds a stale one; the empty file left behind means nothing by itself.
 */
export function lockDatabaseFile(databasePath: string): DatabaseFileLock {
  let path = `${databasePath}.lock`;
  let db: Database.Database;
  try {
    mkdirSync(dirname(databasePath), { recursive: true });
    // Beside the real file, so that two spellings of one database (a symlink, ./ and an absolute path) share one lock.
    const real = existsSync(databasePath) ? realpathSync(databasePath) : join(realpathSync(dirname(databasePath)), basename(databasePath));
    path = `${real}.lock`;
    db = new Database(path);
  } catch (err) {
    throw new HooklineError('STORE_UNAVAILABLE', `Cannot open the lock file ${path} beside the SQLite database: ${(err as Error).message}`);
  }
  try {
    // No waiting: the holder keeps it for its whole life.
    db.pragma('busy_timeout = 0');
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new HooklineError(
        'DATABASE_IN_USE',
        `The SQLite database ${databasePath} is in use by another Hookline process (it holds ${path}). ` +
          'SQLite serves one process at a time: stop the other one, or use PostgreSQL (HOOKLINE_DATABASE_URL=postgres://…) to run several processes on one database.',
      );
    }
    throw new HooklineError('STORE_UNAVAILABLE', `Cannot lock ${path} beside the SQLite database: ${(err as Error).message}`);
  }
  return {
    path,
    release() {
      if (db.open) db.close();
    },
  };
}
