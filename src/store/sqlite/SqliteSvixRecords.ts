import type Database from 'better-sqlite3';
import type { Page, SvixRecord, SvixRecordKind } from '../Store.js';
import { decodeSvixRecordCursor, encodeSvixRecordCursor } from '../svixRecordCursor.js';

const COLUMNS = 'kind, scope, id, uid, body, created_at, updated_at';

/**
 * Svix's records (migration 0009, docs/svix.md). SQLite has one writer, so checking a uid
 * and writing the row in one immediate transaction is enough to keep uids unique; the
 * unique index is the backstop.
 */
export class SqliteSvixRecords {
  constructor(
    private readonly db: Database.Database,
    private readonly stmt: (sql: string) => Database.Statement,
  ) {}

  async putSvixRecord(row: SvixRecord): Promise<boolean> {
    const taken = this.stmt('SELECT 1 FROM svix_records WHERE kind = @kind AND scope = @scope AND uid = @uid AND id <> @id');
    const upsert = this.stmt(
      `INSERT INTO svix_records (${COLUMNS}) VALUES (@kind, @scope, @id, @uid, @body, @created_at, @updated_at)
       ON CONFLICT (kind, scope, id) DO UPDATE SET uid = excluded.uid, body = excluded.body, updated_at = excluded.updated_at`,
    );
    return this.db.transaction((): boolean => {
      if (row.uid !== null && taken.get(row)) return false;
      upsert.run(row);
      return true;
    }).immediate();
  }

  async getSvixRecords(kind: SvixRecordKind, scope: string, ids: string[]): Promise<SvixRecord[]> {
    if (ids.length === 0) return [];
    const get = this.stmt(`SELECT ${COLUMNS} FROM svix_records WHERE kind = ? AND scope = ? AND id IN (SELECT value FROM json_each(?))`);
    return get.all(kind, scope, JSON.stringify(ids)) as SvixRecord[];
  }

  async listSvixRecords(kind: SvixRecordKind, scope: string, opts: { cursor?: string; limit: number }): Promise<Page<SvixRecord>> {
    const after = decodeSvixRecordCursor(opts.cursor);
    const rows = this.stmt(
      `SELECT ${COLUMNS} FROM svix_records WHERE kind = @kind AND scope = @scope
         AND (@at IS NULL OR created_at < @at OR (created_at = @at AND id < @id))
       ORDER BY created_at DESC, id DESC LIMIT @limit`,
    ).all({ kind, scope, at: after?.created_at ?? null, id: after?.id ?? '', limit: opts.limit + 1 }) as SvixRecord[];
    const data = rows.slice(0, opts.limit);
    return { data, next_cursor: rows.length > opts.limit ? encodeSvixRecordCursor(data[data.length - 1]!) : null };
  }

  async findSvixRecordByUid(kind: SvixRecordKind, scope: string, uid: string): Promise<SvixRecord | null> {
    const row = this.stmt(`SELECT ${COLUMNS} FROM svix_records WHERE kind = ? AND scope = ? AND uid = ?`).get(kind, scope, uid);
    return (row as SvixRecord | undefined) ?? null;
  }

  async deleteSvixRecord(kind: SvixRecordKind, scope: string, id: string): Promise<boolean> {
    return this.stmt('DELETE FROM svix_records WHERE kind = ? AND scope = ? AND id = ?').run(kind, scope, id).changes > 0;
  }

  async purgeSvixRecords(kind: SvixRecordKind, before: number): Promise<number> {
    return this.stmt('DELETE FROM svix_records WHERE kind = ? AND created_at < ?').run(kind, before).changes;
  }
}
