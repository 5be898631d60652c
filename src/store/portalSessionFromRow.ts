import type { PortalSessionRow, PortalTheme } from './Store.js';

/** The columns both stores select for a portal session; never its credentials' hashes. */
export const PORTAL_SESSION_COLUMNS = 'id, business_id, read_only, theme, return_url, created_at, expires_at, opened_at, revoked_at';

/** How long an expired session's row is kept (its link still shows the expired page) before a new session's creation removes it. */
export const PORTAL_SESSION_KEPT_MS = 24 * 3600 * 1000;

/** A row from either store: SQLite gives read_only as 0/1, PostgreSQL bigints as strings. */
export function portalSessionFromRow(r: Record<string, unknown>): PortalSessionRow {
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return {
    id: String(r.id),
    business_id: String(r.business_id),
    read_only: r.read_only === true || r.read_only === 1,
    theme: JSON.parse(String(r.theme)) as PortalTheme,
    return_url: (r.return_url as string | null) ?? null,
    created_at: Number(r.created_at),
    expires_at: Number(r.expires_at),
    opened_at: num(r.opened_at),
    revoked_at: num(r.revoked_at),
  };
}
