import type { Page, SvixRecord, SvixRecordKind } from '../Store.js';
import { decodeSvixRecordCursor, encodeSvixRecordCursor } from '../svixRecordCursor.js';
import type { SqliteDatabase } from './SqliteDatabase.js';

/*
 * Svix's records on SQLite (migration 0009, docs/svix.md). SQLite has one writer, so checking
 * a uid and writing the row in one immediate transaction keeps uids unique; the unique index
 * is the backstop.
 */

const COLUMNS = 'kind, scope, id, uid, body, created_at, updated_at';

export async function putSvixRecord(db: SqliteDatabase, row: SvixRecord): Promise<boolean> {
  return db.write((): boolean => {
    if (row.uid !== null && db.stmt('SELECT 1 FROM svix_records WHERE kind = @kind AND scope = @scope AND uid = @uid AND id <> @id').get(row)) return false;
    db.stmt(
      `INSERT INTO svix_records (${COLUMNS}) VALUES (@kind, @scope, @id, @uid, @body, @created_at, @updated_at)
       ON CONFLICT (kind, scope, id) DO UPDATE SET uid = excluded.uid, body = excluded.body, updated_at = excluded.updated_at`,
    ).run(row);
    return true;
  });
}

export async function getSvixRecords(db: SqliteDatabase, kind: SvixRecordKind, scope: string, ids: string[]): Promise<SvixRecord[]> {
  if (ids.length === 0) return [];
  return db.stmt(`SELECT ${COLUMNS} FROM svix_records WHERE kind = ? AND scope = ? AND id IN (SELECT value FROM json_each(?))`).all(kind, scope, JSON.stringify(ids)) as SvixRecord[];
}

export async function listSvixRecords(db: SqliteDatabase, kind: SvixRecordKind, scope: string, opts: { cursor?: string; limit: number }): Promise<Page<SvixRecord>> {
  const after = decodeSvixRecordCursor(opts.cursor);
  const rows = db
    .stmt(
      `SELECT ${COLUMNS} FROM svix_records WHERE kind = @kind AND scope = @scope
         AND (@at IS NULL OR created_at < @at OR (created_at = @at AND id < @id))
       ORDER BY created_at DESC, id DESC LIMIT @limit`,
    )
    .all({ kind, scope, at: after?.created_at ?? null, id: after?.id ?? '', limit: opts.limit + 1 }) as SvixRecord[];
  const data = rows.slice(0, opts.limit);
  return { data, next_cursor: rows.length > opts.limit ? encodeSvixRecordCursor(data[data.length - 1]!) : null };
}

export async function findSvixRecordByUid(db: SqliteDatabase, kind: SvixRecordKind, scope: string, uid: string): Promise<SvixRecord | null> {
  return (db.stmt(`SELECT ${COLUMNS} FROM svix_records WHERE kind = ? AND scope = ? AND uid = ?`).get(kind, scope, uid) as SvixRecord | undefined) ?? null;
}

export async function deleteSvixRecord(db: SqliteDatabase, kind: SvixRecordKind, scope: string, id: string): Promise<boolean> {
  return db.stmt('DELETE FROM svix_records WHERE kind = ? AND scope = ? AND id = ?').run(kind, scope, id).changes > 0;
}

export async function purgeSvixRecords(db: SqliteDatabase, kind: SvixRecordKind, before: number): Promise<number> {
  return db.stmt('DELETE FROM svix_records WHERE kind = ? AND created_at < ?').run(kind, before).changes;
}
