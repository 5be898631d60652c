import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HooklineError } from '../../errors.js';
import { migrationFiles, refuseNewerDatabase, type RecordedMigration } from '../migrations.js';
import type { PgDatabase } from './PgDatabase.js';

const migrationsDir = fileURLToPath(new URL('../../../migrations/postgres/', import.meta.url));

/** The ASCII bytes of "hookline" as a bigint: an advisory lock key no other application picks by accident. */
export const MIGRATION_LOCK_KEY = '7525493354826214757';

/**
 * The pool's client-side query_timeout would cut a migration short, and a process waiting on
 * the lock behind one. pg treats 0 as "use the pool's", so the longest timer Node allows.
 */
const UNBOUNDED = { query_timeout: 2 ** 31 - 1 } as const;

/**
 * Applies numbered, forward-only migrations from `dir` (a path ending in a slash) in one
 * transaction. The advisory lock comes first, before reading what is applied, so that of ten processes starting together one
 * migrates and the other nine wait, then find nothing left to do. Each bookkeeping row
 * commits with its migration's body, so a crash leaves either both or neither. A migration is
 * applied when its number is not recorded, so gaps, and a lower number that arrives after a
 * higher one (two branches merged), are fine. A database that records a migration this code
 * does not have is refused before anything runs.
 */
export async function migratePostgres(db: PgDatabase, dir = migrationsDir): Promise<void> {
  const files = migrationFiles(dir);
  let current = '';
  try {
    await db.transaction(async (c) => {
      // A migration that rewrites a large table takes as long as it takes, and the processes
      // queued on the lock must wait for it rather than give up after the usual 30 s.
      await c.query('SET LOCAL statement_timeout = 0');
      await c.query({ text: 'SELECT pg_advisory_xact_lock($1::bigint)', values: [MIGRATION_LOCK_KEY], ...UNBOUNDED });
      await c.query(`CREATE TABLE IF NOT EXISTS migrations (
        id integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`);
      const recorded = (await c.query<RecordedMigration>('SELECT id, name FROM migrations')).rows;
      refuseNewerDatabase('PostgreSQL', recorded, files);
      const applied = new Set(recorded.map((r) => r.id));
      for (const { id, file } of files) {
        if (applied.has(id)) continue;
        current = file;
        await c.query({ text: readFileSync(dir + file, 'utf8'), ...UNBOUNDED });
        await c.query('INSERT INTO migrations (id, name, applied_at) VALUES ($1, $2, $3)', [id, file, Date.now()]);
      }
    });
  } catch (err) {
    if (err instanceof HooklineError && (err.code === 'STORE_UNAVAILABLE' || err.code === 'DATABASE_NEWER_THAN_CODE')) throw err;
    throw new HooklineError('MIGRATION_FAILED', `PostgreSQL migration ${current || '(bookkeeping)'} failed: ${(err as Error).message}`);
  }
}
