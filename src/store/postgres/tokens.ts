import type { NewTokenRow, TokenGrant, TokenRow } from '../Store.js';
import { columnList, NEW_TOKEN_COLUMNS, TOKEN_COLUMNS } from '../columns.js';
import type { PgDatabase } from './PgDatabase.js';

/* Tokens on PostgreSQL (docs/api.md#authentication). Revoking deletes the row. */

const INSERT_TOKEN = `INSERT INTO tokens (${columnList(NEW_TOKEN_COLUMNS)})
  VALUES (${NEW_TOKEN_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT (token_hash) DO NOTHING`;
const tokenValues = (r: NewTokenRow): unknown[] => NEW_TOKEN_COLUMNS.map((c) => r[c]);

export async function createToken(db: PgDatabase, row: NewTokenRow): Promise<void> {
  await db.query(INSERT_TOKEN, tokenValues(row));
}

export async function replaceAdminTokens(db: PgDatabase, row: NewTokenRow): Promise<void> {
  // One statement, so one transaction: no moment with two admin tokens or none. $1 is the hash.
  await db.query(
    `WITH registered AS (${INSERT_TOKEN})
     DELETE FROM tokens WHERE business_id IS NULL AND token_hash <> $1`,
    tokenValues({ ...row, business_id: null }),
  );
}

export async function findToken(db: PgDatabase, tokenHash: string): Promise<TokenGrant | null> {
  const { rows } = await db.query<TokenGrant>('SELECT id, business_id, last_used_at, expires_at FROM tokens WHERE token_hash = $1', [tokenHash]);
  return rows[0] ?? null;
}

export async function listTokens(db: PgDatabase, businessId: string): Promise<TokenRow[]> {
  return (await db.query<TokenRow>(`SELECT ${columnList(TOKEN_COLUMNS)} FROM tokens WHERE business_id = $1 ORDER BY created_at, id`, [businessId])).rows;
}

export async function deleteToken(db: PgDatabase, businessId: string, id: string): Promise<boolean> {
  return ((await db.query('DELETE FROM tokens WHERE id = $1 AND business_id = $2', [id, businessId])).rowCount ?? 0) > 0;
}

export async function touchToken(db: PgDatabase, id: string, usedAt: number): Promise<void> {
  await db.query('UPDATE tokens SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)', [id, usedAt]);
}
