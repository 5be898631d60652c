import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite/SqliteStore.js';

const migrations = join(import.meta.dirname, '..', 'migrations', 'sqlite');

/** A database file as an install that stopped at migration `last` left it. */
function databaseAt(path: string, last: number): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT');
  for (const file of readdirSync(migrations).filter((f) => /^\d{4}_/.test(f)).sort()) {
    const id = Number(file.slice(0, 4));
    if (id > last) break;
    db.exec(readFileSync(join(migrations, file), 'utf8'));
    db.prepare('INSERT INTO migrations (id, name, applied_at) VALUES (?, ?, ?)').run(id, file, 1);
  }
  return db;
}

test('0005 moves existing events into arrival order: every event kept, repeats still refused, retention still walks them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-migrate-'));
  const path = join(dir, 'hookline.db');
  try {
    const old = databaseAt(path, 4);
    assert.equal((old.prepare("SELECT sql FROM sqlite_schema WHERE name = 'events'").get() as { sql: string }).sql.includes('WITHOUT ROWID'), true);
    old.prepare("INSERT INTO businesses (id, name, created_at) VALUES ('b', 'B', 1)").run();
    const insert = old.prepare('INSERT INTO events (business_id, id, type, data, occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?)');
    for (let i = 0; i < 300; i++) insert.run('b', `order-${(i * 7919) % 300}`, 'invoice/paid', JSON.stringify({ n: i }), 1_000 + i, 2_000 + i);
    old.close();

    const store = SqliteStore.open(`file:${path}`);
    try {
      await store.migrate();
      const db = (store as unknown as { db: Database.Database }).db;
      const table = (db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'events'").get() as { sql: string }).sql;
      assert.ok(!table.includes('WITHOUT ROWID'), table);
      assert.equal((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n, 300);
      const one = await store.getEvent('b', 'order-0');
      assert.deepEqual(one && { data: one.data, created_at: one.created_at }, { data: JSON.stringify({ n: 0 }), created_at: 2_000 });

      const [again] = await store.publish([
        { event: { id: 'order-17', business_id: 'b', type: 'invoice/paid', data: '{}', occurred_at: 5, created_at: 5 }, deliveries: [] },
      ]);
      assert.equal(again!.created, false, 'an id stored before the migration is still a repeat');
      const plan = db.prepare('EXPLAIN QUERY PLAN SELECT * FROM events WHERE business_id = ? AND id = ?').all('b', 'x') as { detail: string }[];
      assert.match(plan.map((p) => p.detail).join(' '), /events_key/);
      const oldest = db.prepare('EXPLAIN QUERY PLAN SELECT created_at, business_id, id FROM events WHERE created_at < ? ORDER BY created_at, business_id, id LIMIT 10').all(1) as { detail: string }[];
      assert.match(oldest.map((p) => p.detail).join(' '), /events_created/);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
