import type Database from 'better-sqlite3';
import type { NewPortalSessionRow, PortalSessionRow } from '../Store.js';
import { PORTAL_SESSION_COLUMNS, PORTAL_SESSION_KEPT_MS, portalSessionFromRow } from '../portalSessionFromRow.js';

/** Portal sessions on SQLite (migration 0008; the Store interface documents each). */
export function createPortalSession(db: Database.Database, row: NewPortalSessionRow): void {
  db.transaction(() => {
    db.prepare('DELETE FROM portal_sessions WHERE expires_at < ?').run(row.created_at - PORTAL_SESSION_KEPT_MS);
    db.prepare(
      `INSERT INTO portal_sessions (id, business_id, link_hash, read_only, theme, return_url, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(row.id, row.business_id, row.link_hash, row.read_only ? 1 : 0, JSON.stringify(row.theme), row.return_url, row.created_at, row.expires_at);
  })();
}

export function openPortalLink(db: Database.Database, linkHash: string, sessionHash: string, now: number): PortalSessionRow | null {
  const row = db
    .prepare(
      `UPDATE portal_sessions SET session_hash = ?, opened_at = ?
       WHERE link_hash = ? AND opened_at IS NULL AND revoked_at IS NULL AND expires_at > ?
       RETURNING ${PORTAL_SESSION_COLUMNS}`,
    )
    .get(sessionHash, now, linkHash, now) as Record<string, unknown> | undefined;
  return row ? portalSessionFromRow(row) : null;
}

export function findPortalSession(db: Database.Database, column: 'link_hash' | 'session_hash', hash: string): PortalSessionRow | null {
  const row = db.prepare(`SELECT ${PORTAL_SESSION_COLUMNS} FROM portal_sessions WHERE ${column} = ?`).get(hash) as Record<string, unknown> | undefined;
  return row ? portalSessionFromRow(row) : null;
}

export function revokePortalSession(db: Database.Database, businessId: string, id: string, now: number): boolean {
  const found = db.prepare('UPDATE portal_sessions SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? AND business_id = ?').run(now, id, businessId);
  return found.changes > 0;
}
