import type Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HooklineError } from '../../errors.js';
import { migrationFiles, refuseNewerDatabase, type RecordedMigration } from '../migrations.js';

const migrationsDir = fileURLToPath(new URL('../../../migrations/sqlite/', import.meta.url));

/**
 * Applies numbered, forward-only migrations from `dir` (a path ending in a slash). BEGIN
 * IMMEDIATE takes SQLite's write lock before reading what is applied, so two processes opening the same file migrate once between them,
 * and each migration's bookkeeping row commits with its body. A migration is applied when its
 * number is not recorded, in number order, so numbers may have gaps and a lower number that
 * arrives after a higher one (two branches merged) is still applied. A database that records
 * a migration this code does not have is refused before anything runs.
 */
export function migrateSqlite(db: Database.Database, dir = migrationsDir): void {
  const files = migrationFiles(dir);
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS migrations (
      id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
    const recorded = db.prepare('SELECT id, name FROM migrations').all() as RecordedMigration[];
    refuseNewerDatabase('SQLite', recorded, files);
    const applied = new Set(recorded.map((r) => r.id));
    for (const { id, file } of files) {
      if (applied.has(id)) continue;
      db.exec(readFileSync(dir + file, 'utf8'));
      db.prepare('INSERT INTO migrations (id, name, applied_at) VALUES (?, ?, ?)').run(id, file, Date.now());
    }
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    if (err instanceof HooklineError) throw err;
    throw new HooklineError('MIGRATION_FAILED', `SQLite migration failed: ${(err as Error).message}`);
  }
}
