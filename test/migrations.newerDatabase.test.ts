import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HooklineError } from '../src/errors.js';
import { migrateSqlite } from '../src/store/sqlite/migrate.js';
import { migratePostgres } from '../src/store/postgres/migrate.js';
import type { PgDatabase } from '../src/store/postgres/PgDatabase.js';
import { PostgresStore } from '../src/store/postgres/PostgresStore.js';
import { openStoreThread } from '../src/store/thread/StoreThread.js';
import { createTestSchema, probePostgres, queryTestDatabase } from './helpers/postgres.js';

/**
 * Issue 13: an older Hookline started against a database that a newer one migrated refuses
 * before it runs anything, with DATABASE_NEWER_THAN_CODE naming both migration numbers; the
 * CLI prints that as one line and exits 2.
 */

const pgReady = await probePostgres();
const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const shipped = (kind: 'sqlite' | 'postgres'): string => join(import.meta.dirname, '..', 'migrations', kind) + '/';
const pad = (n: number): string => String(n).padStart(4, '0');

/** The shipped migrations without the last one: the code of the Hookline before it was added. */
function olderCode(t: TestContext, kind: 'sqlite' | 'postgres'): { dir: string; last: number; dropped: string } {
  const files = readdirSync(shipped(kind)).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
  const dir = mkdtempSync(join(tmpdir(), `hookline-older-${kind}-`)) + '/';
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const f of files.slice(0, -1)) copyFileSync(shipped(kind) + f, dir + f);
  return { dir, last: Number(files.at(-2)!.slice(0, 4)), dropped: files.at(-1)! };
}

function assertNewerThanCode(err: unknown, database: string, databaseAt: number, codeAt: number, unknown: string): true {
  assert.ok(err instanceof HooklineError, String(err));
  assert.equal(err.code, 'DATABASE_NEWER_THAN_CODE');
  assert.equal(err.status, 409);
  assert.match(err.message, new RegExp(`The ${database} database is at migration ${pad(databaseAt)}, newer than this Hookline, whose migrations end at ${pad(codeAt)}`));
  assert.ok(err.message.includes(unknown), `names the unknown migration: ${err.message}`);
  return true;
}

/** Runs the real CLI to its end. */
function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, HOOKLINE_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) => child.on('exit', (code) => {
    clearTimeout(killer);
    resolve({ code, stdout, stderr });
  }));
}

/** A SQLite file migrated by this code, then by a newer Hookline that recorded migration 9001. */
function migratedByANewerHookline(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-newer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'hookline.db');
  const db = new Database(path);
  migrateSqlite(db);
  db.prepare('INSERT INTO migrations (id, name, applied_at) VALUES (9001, ?, 0)').run('9001_from_a_newer_hookline.sql');
  db.close();
  return path;
}

function assertOneLine(run: { code: number | null; stdout: string; stderr: string }, database: string, databaseAt: string): void {
  assert.equal(run.code, 2, `exits 2:\n${run.stdout}${run.stderr}`);
  const lines = run.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `one line on stderr: ${run.stderr}`);
  assert.match(lines[0]!, new RegExp(`^hookline: The ${database} database is at migration ${databaseAt}, newer than this Hookline, whose migrations end at \\d{4} `));
  assert.doesNotMatch(run.stdout, /up to date|listening/);
}

test('SQLite: the code before the last migration refuses the database that has it, names both numbers, and changes nothing', (t) => {
  const older = olderCode(t, 'sqlite');
  const dir = mkdtempSync(join(tmpdir(), 'hookline-newer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = new Database(join(dir, 'hookline.db'));
  t.after(() => db.close());
  migrateSqlite(db);
  const recorded = (): unknown[] => db.prepare('SELECT id, name, applied_at FROM migrations ORDER BY id').all();
  const before = recorded();
  const newest = Number(older.dropped.slice(0, 4));

  assert.throws(() => migrateSqlite(db, older.dir), (err) => assertNewerThanCode(err, 'SQLite', newest, older.last, older.dropped));
  assert.deepEqual(recorded(), before, 'nothing was applied or recorded');
  assert.equal(db.inTransaction, false, 'the write lock was given back');
  migrateSqlite(db);
  assert.deepEqual(recorded(), before, 'the code that has every migration still finds nothing to do');
});

test('SQLite on its thread: the refusal keeps its catalogue code across the thread', async (t) => {
  const store = await openStoreThread(`file:${migratedByANewerHookline(t)}`);
  t.after(() => store.close());
  const last = Math.max(...readdirSync(shipped('sqlite')).filter((f) => /^\d{4}_/.test(f)).map((f) => Number(f.slice(0, 4))));
  await assert.rejects(store.migrate(), (err) => assertNewerThanCode(err, 'SQLite', 9001, last, '9001_from_a_newer_hookline.sql'));
});

test('SQLite: `hookline migrate` and `hookline serve` exit 2 with one line naming both migration numbers', { timeout: 60_000 }, async (t) => {
  const env = { HOOKLINE_DATABASE_URL: `file:${migratedByANewerHookline(t)}`, HOOKLINE_ADMIN_TOKEN: 'newer-database-admin-token-0123456789' };
  assertOneLine(await runCli(['migrate'], env), 'SQLite', '9001');
  assertOneLine(await runCli(['serve', '--port', '0'], env), 'SQLite', '9001');
});

test('PostgreSQL: the code before the last migration refuses the database that has it, names both numbers, and changes nothing', { skip: pgReady.available ? false : pgReady.reason }, async (t) => {
  const older = olderCode(t, 'postgres');
  const schema = await createTestSchema();
  t.after(() => schema.drop());
  const store = await PostgresStore.open(`${schema.url}&pool_max=2`, { onBackgroundError: () => undefined });
  t.after(() => store.close());
  await store.migrate();
  const recorded = (): Promise<unknown[]> => queryTestDatabase(schema.url, 'SELECT id, name, applied_at FROM migrations ORDER BY id');
  const before = await recorded();
  const newest = Number(older.dropped.slice(0, 4));

  const db = (store as unknown as { db: PgDatabase }).db;
  await assert.rejects(migratePostgres(db, older.dir), (err) => assertNewerThanCode(err, 'PostgreSQL', newest, older.last, older.dropped));
  assert.deepEqual(await recorded(), before, 'nothing was applied or recorded');

  // The CLI, as an operator rolling back to the older release would run it.
  await queryTestDatabase(schema.url, "INSERT INTO migrations (id, name, applied_at) VALUES (9001, '9001_from_a_newer_hookline.sql', 0)");
  assertOneLine(await runCli(['migrate'], { HOOKLINE_DATABASE_URL: `${schema.url}&pool_max=2` }), 'PostgreSQL', '9001');
});
