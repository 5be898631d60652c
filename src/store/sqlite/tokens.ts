import type { NewTokenRow, TokenGrant, TokenRow } from '../Store.js';
import { columnList, NEW_TOKEN_COLUMNS, TOKEN_COLUMNS } from '../columns.js';
import type { SqliteDatabase } from './SqliteDatabase.js';

/* Tokens on SQLite (docs/api.md#authentication). Revoking deletes the row. */

const INSERT_TOKEN = `INSERT INTO tokens (${columnList(NEW_TOKEN_COLUMNS)})
  VALUES (${NEW_TOKEN_COLUMNS.map((c) => '@' + c).join(', ')}) ON CONFLICT (token_hash) DO NOTHING`;

export async function createToken(db: SqliteDatabase, row: NewTokenRow): Promise<void> {
  db.stmt(INSERT_TOKEN).run(row);
}

export async function replaceAdminTokens(db: SqliteDatabase, row: NewTokenRow): Promise<void> {
  db.write(() => {
    db.stmt(INSERT_TOKEN).run({ ...row, business_id: null });
    db.stmt('DELETE FROM tokens WHERE business_id IS NULL AND token_hash <> ?').run(row.token_hash);
  });
}

export async function findToken(db: SqliteDatabase, tokenHash: string): Promise<TokenGrant | null> {
  return (db.stmt('SELECT id, business_id, last_used_at, expires_at FROM tokens WHERE token_hash = ?').get(tokenHash) as TokenGrant | undefined) ?? null;
}

export async function listTokens(db: SqliteDatabase, businessId: string): Promise<TokenRow[]> {
  return db.stmt(`SELECT ${columnList(TOKEN_COLUMNS)} FROM tokens WHERE business_id = ? ORDER BY created_at, id`).all(businessId) as TokenRow[];
}

export async function deleteToken(db: SqliteDatabase, businessId: string, id: string): Promise<boolean> {
  return db.stmt('DELETE FROM tokens WHERE id = ? AND business_id = ?').run(id, businessId).changes > 0;
}

export async function touchToken(db: SqliteDatabase, id: string, usedAt: number): Promise<void> {
  db.stmt('UPDATE tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)').run(usedAt, id, usedAt);
}
