import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateSqlite } from '../src/store/sqlite/migrate.js';
import { migratePostgres } from '../src/store/postgres/migrate.js';
import { PostgresStore } from '../src/store/postgres/PostgresStore.js';
import type { PgDatabase } from '../src/store/postgres/PgDatabase.js';
import { createTestSchema, probePostgres, queryTestDatabase } from './helpers/postgres.js';

/**
 * Migration numbers are not a sequence: 0007 (processes, issue 12) was written beside another
 * change's 0006. Each store applies every migration whose number it has not recorded, so a
 * database migrated without 0006 takes it later, when it arrives, and keeps what it has.
 */

const pgReady = await probePostgres();
const shipped = (kind: 'sqlite' | 'postgres'): string => join(import.meta.dirname, '..', 'migrations', kind) + '/';
const numbers = (dir: string): number[] => readdirSync(dir).filter((f) => /^\d{4}_.+\.sql$/.test(f)).map((f) => Number(f.slice(0, 4))).sort((a, b) => a - b);

/**
 * Two folders: the shipped migrations without any numbered 0006, and the same with a 0006 (the
 * shipped one once it exists, a stand-in before). The first is a database migrated before 0006
 * was merged, the second what it finds after.
 */
function beforeAndAfter(kind: 'sqlite' | 'postgres'): { before: string; after: string; remove(): void } {
  const before = mkdtempSync(join(tmpdir(), `hookline-migrations-${kind}-`)) + '/';
  const after = mkdtempSync(join(tmpdir(), `hookline-migrations-${kind}-`)) + '/';
  const files = readdirSync(shipped(kind)).filter((f) => /^\d{4}_.+\.sql$/.test(f));
  for (const f of files) {
    if (!f.startsWith('0006_')) copyFileSync(shipped(kind) + f, before + f);
    copyFileSync(shipped(kind) + f, after + f);
  }
  if (!files.some((f) => f.startsWith('0006_'))) writeFileSync(after + '0006_arrives_later.sql', 'CREATE TABLE arrived_later (id integer PRIMARY KEY);');
  return { before, after, remove: () => [before, after].forEach((d) => rmSync(d, { recursive: true, force: true })) };
}

test('SQLite: migrations apply with a gap in their numbers (0007 without 0006), and 0006 is applied when it arrives later', () => {
  const folders = beforeAndAfter('sqlite');
  const dir = mkdtempSync(join(tmpdir(), 'hookline-numbering-'));
  const db = new Database(join(dir, 'hookline.db'));
  try {
    const applied = (): number[] => (db.prepare('SELECT id FROM migrations ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    migrateSqlite(db, folders.before);
    assert.deepEqual(applied(), numbers(folders.before));
    assert.ok(!applied().includes(6) && applied().includes(7));
    assert.deepEqual(db.prepare('SELECT count(*) AS n FROM processes').get(), { n: 0 }, '0007 made the processes table');
    migrateSqlite(db, folders.after);
    assert.deepEqual(applied(), numbers(folders.after));
    assert.ok(applied().includes(6));
    migrateSqlite(db, folders.after);
    migrateSqlite(db);
    assert.deepEqual(applied(), numbers(folders.after), 'the shipped folder has nothing left to apply');
  } finally {
    db.close();
    folders.remove();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('PostgreSQL: migrations apply with a gap in their numbers (0007 without 0006), and 0006 is applied when it arrives later', { skip: pgReady.available ? false : pgReady.reason }, async (t) => {
  const folders = beforeAndAfter('postgres');
  t.after(() => folders.remove());
  const schema = await createTestSchema();
  t.after(() => schema.drop());
  const store = await PostgresStore.open(`${schema.url}&pool_max=2`, { onBackgroundError: () => undefined });
  t.after(() => store.close());
  const db = (store as unknown as { db: PgDatabase }).db;
  const applied = async (): Promise<number[]> => (await queryTestDatabase(schema.url, 'SELECT id FROM migrations ORDER BY id')).map((r) => Number(r.id));

  await migratePostgres(db, folders.before);
  assert.deepEqual(await applied(), numbers(folders.before));
  assert.ok(!(await applied()).includes(6) && (await applied()).includes(7));
  await migratePostgres(db, folders.after);
  assert.deepEqual(await applied(), numbers(folders.after));
  assert.ok((await applied()).includes(6));
  await store.migrate();
  assert.deepEqual(await applied(), numbers(folders.after), 'the shipped folder has nothing left to apply');
});
