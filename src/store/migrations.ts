import { readdirSync } from 'node:fs';
import { HooklineError } from '../errors.js';

/*
 * What both stores' `migrate.ts` share: which files are migrations, and the refusal to run
 * against a database that a newer Hookline migrated.
 */

export interface MigrationFile {
  /** The number the file name starts with: what the `migrations` table records. */
  id: number;
  file: string;
}

/** A migration as the database's `migrations` table records it. */
export interface RecordedMigration {
  id: number;
  name: string;
}

/** The numbered migrations in `dir`, in number order. */
export function migrationFiles(dir: string): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((file) => ({ id: Number(file.slice(0, 4)), file }));
}

const number = (id: number): string => String(id).padStart(4, '0');

/**
 * Throws DATABASE_NEWER_THAN_CODE when the database records a migration this code does not
 * have. A newer Hookline migrated it: its tables may hold columns, constraints or meanings this
 * code would misread or break, so nothing here may run against it, migrations included. Numbers
 * may have gaps, so "newer" is any unknown number, not only one past the code's last.
 */
export function refuseNewerDatabase(database: 'SQLite' | 'PostgreSQL', recorded: RecordedMigration[], files: MigrationFile[]): void {
  const known = new Set(files.map((f) => f.id));
  const unknown = recorded.filter((r) => !known.has(r.id)).sort((a, b) => a.id - b.id);
  if (unknown.length === 0) return;
  const databaseAt = Math.max(...recorded.map((r) => r.id));
  const codeAt = files.length ? Math.max(...files.map((f) => f.id)) : 0;
  throw new HooklineError(
    'DATABASE_NEWER_THAN_CODE',
    `The ${database} database is at migration ${number(databaseAt)}, newer than this Hookline, whose migrations end at ${number(codeAt)} ` +
      `(the database has ${unknown.map((r) => r.name).join(', ')}, which this version does not). ` +
      'Run the Hookline version that migrated it, or a newer one; an older version cannot use it safely.',
  );
}
