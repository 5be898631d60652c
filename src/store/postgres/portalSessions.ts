import type { PgDatabase } from './PgDatabase.js';
import type { NewPortalSessionRow, PortalSessionRow } from '../Store.js';
import { PORTAL_SESSION_COLUMNS, PORTAL_SESSION_KEPT_MS, portalSessionFromRow } from '../portalSessionFromRow.js';

/** Portal sessions on PostgreSQL (migration 0008; the Store interface documents each). */
export async function createPortalSession(db: PgDatabase, row: NewPortalSessionRow): Promise<void> {
  // One statement, so one transaction.
  await db.query(
    `WITH old AS (DELETE FROM portal_sessions WHERE expires_at < $9)
     INSERT INTO portal_sessions (id, business_id, link_hash, read_only, theme, return_url, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [row.id, row.business_id, row.link_hash, row.read_only, JSON.stringify(row.theme), row.return_url, row.created_at, row.expires_at, row.created_at - PORTAL_SESSION_KEPT_MS],
  );
}

export async function openPortalLink(db: PgDatabase, linkHash: string, sessionHash: string, now: number): Promise<PortalSessionRow | null> {
  // The row lock of UPDATE makes the second of two racing openings see opened_at set, and match nothing.
  const { rows } = await db.query(
    `UPDATE portal_sessions SET session_hash = $1, opened_at = $2
     WHERE link_hash = $3 AND opened_at IS NULL AND revoked_at IS NULL AND expires_at > $2
     RETURNING ${PORTAL_SESSION_COLUMNS}`,
    [sessionHash, now, linkHash],
  );
  return rows[0] ? portalSessionFromRow(rows[0]) : null;
}

export async function findPortalSessionByLink(db: PgDatabase, linkHash: string): Promise<PortalSessionRow | null> {
  const { rows } = await db.query(`SELECT ${PORTAL_SESSION_COLUMNS} FROM portal_sessions WHERE link_hash = $1`, [linkHash]);
  return rows[0] ? portalSessionFromRow(rows[0]) : null;
}

export async function findPortalSession(db: PgDatabase, sessionHash: string): Promise<PortalSessionRow | null> {
  const { rows } = await db.query(`SELECT ${PORTAL_SESSION_COLUMNS} FROM portal_sessions WHERE session_hash = $1`, [sessionHash]);
  return rows[0] ? portalSessionFromRow(rows[0]) : null;
}

export async function revokePortalSession(db: PgDatabase, businessId: string, id: string, now: number): Promise<boolean> {
  const r = await db.query('UPDATE portal_sessions SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2 AND business_id = $3', [now, id, businessId]);
  return (r.rowCount ?? 0) > 0;
}
