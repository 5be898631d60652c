import type { NewPortalSessionRow, PortalSessionRow } from '../Store.js';
import { PORTAL_SESSION_COLUMNS, PORTAL_SESSION_KEPT_MS, portalSessionFromRow } from '../portalSessionFromRow.js';
import type { SqliteDatabase } from './SqliteDatabase.js';

/* Portal sessions on SQLite (migration 0008; the Store interface documents each). */

type Row = Record<string, unknown> | undefined;

export async function createPortalSession(db: SqliteDatabase, row: NewPortalSessionRow): Promise<void> {
  db.write(() => {
    db.stmt('DELETE FROM portal_sessions WHERE expires_at < ?').run(row.created_at - PORTAL_SESSION_KEPT_MS);
    db.stmt(
      `INSERT INTO portal_sessions (id, business_id, link_hash, read_only, theme, return_url, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(row.id, row.business_id, row.link_hash, row.read_only ? 1 : 0, JSON.stringify(row.theme), row.return_url, row.created_at, row.expires_at);
  });
}

export async function openPortalLink(db: SqliteDatabase, linkHash: string, sessionHash: string, now: number): Promise<PortalSessionRow | null> {
  const row = db
    .stmt(
      `UPDATE portal_sessions SET session_hash = ?, opened_at = ?
       WHERE link_hash = ? AND opened_at IS NULL AND revoked_at IS NULL AND expires_at > ?
       RETURNING ${PORTAL_SESSION_COLUMNS}`,
    )
    .get(sessionHash, now, linkHash, now) as Row;
  return row ? portalSessionFromRow(row) : null;
}

export async function findPortalSessionByLink(db: SqliteDatabase, linkHash: string): Promise<PortalSessionRow | null> {
  const row = db.stmt(`SELECT ${PORTAL_SESSION_COLUMNS} FROM portal_sessions WHERE link_hash = ?`).get(linkHash) as Row;
  return row ? portalSessionFromRow(row) : null;
}

export async function findPortalSession(db: SqliteDatabase, sessionHash: string): Promise<PortalSessionRow | null> {
  const row = db.stmt(`SELECT ${PORTAL_SESSION_COLUMNS} FROM portal_sessions WHERE session_hash = ?`).get(sessionHash) as Row;
  return row ? portalSessionFromRow(row) : null;
}

export async function revokePortalSession(db: SqliteDatabase, businessId: string, id: string, now: number): Promise<boolean> {
  return db.stmt('UPDATE portal_sessions SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? AND business_id = ?').run(now, id, businessId).changes > 0;
}
