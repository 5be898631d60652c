import type { Page, SvixRecord, SvixRecordKind } from '../Store.js';
import { decodeSvixRecordCursor, encodeSvixRecordCursor } from '../svixRecordCursor.js';
import type { PgDatabase } from './PgDatabase.js';

/*
 * Svix's records (migration 0009, docs/svix.md). Each call is one statement; the unique index
 * on uid decides between two processes writing the same uid at once.
 */

const COLUMNS = 'kind, scope, id, uid, body, created_at, updated_at';
const UNIQUE_VIOLATION = '23505';

interface RawRecord extends Omit<SvixRecord, 'created_at' | 'updated_at'> {
  created_at: string | number;
  updated_at: string | number;
}

const fromRow = (r: RawRecord): SvixRecord => ({ ...r, created_at: Number(r.created_at), updated_at: Number(r.updated_at) });

export async function putSvixRecord(db: PgDatabase, row: SvixRecord): Promise<boolean> {
  try {
    await db.query(
      `INSERT INTO svix_records (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (kind, scope, id) DO UPDATE SET uid = excluded.uid, body = excluded.body, updated_at = excluded.updated_at`,
      [row.kind, row.scope, row.id, row.uid, row.body, row.created_at, row.updated_at],
    );
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === UNIQUE_VIOLATION) return false;
    throw err;
  }
}

export async function getSvixRecords(db: PgDatabase, kind: SvixRecordKind, scope: string, ids: string[]): Promise<SvixRecord[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<RawRecord>(`SELECT ${COLUMNS} FROM svix_records WHERE kind = $1 AND scope = $2 AND id = ANY($3::text[])`, [kind, scope, ids]);
  return rows.map(fromRow);
}

export async function listSvixRecords(db: PgDatabase, kind: SvixRecordKind, scope: string, opts: { cursor?: string; limit: number }): Promise<Page<SvixRecord>> {
  const after = decodeSvixRecordCursor(opts.cursor);
  const { rows } = await db.query<RawRecord>(
    `SELECT ${COLUMNS} FROM svix_records WHERE kind = $1 AND scope = $2
       AND ($3::bigint IS NULL OR (created_at, id) < ($3::bigint, $4::text))
     ORDER BY created_at DESC, id DESC LIMIT $5`,
    [kind, scope, after?.created_at ?? null, after?.id ?? '', opts.limit + 1],
  );
  const data = rows.slice(0, opts.limit).map(fromRow);
  return { data, next_cursor: rows.length > opts.limit ? encodeSvixRecordCursor(data[data.length - 1]!) : null };
}

export async function findSvixRecordByUid(db: PgDatabase, kind: SvixRecordKind, scope: string, uid: string): Promise<SvixRecord | null> {
  const { rows } = await db.query<RawRecord>(`SELECT ${COLUMNS} FROM svix_records WHERE kind = $1 AND scope = $2 AND uid = $3`, [kind, scope, uid]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function deleteSvixRecord(db: PgDatabase, kind: SvixRecordKind, scope: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM svix_records WHERE kind = $1 AND scope = $2 AND id = $3', [kind, scope, id]);
  return (rowCount ?? 0) > 0;
}

export async function purgeSvixRecords(db: PgDatabase, kind: SvixRecordKind, before: number): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM svix_records WHERE kind = $1 AND created_at < $2', [kind, before]);
  return rowCount ?? 0;
}
