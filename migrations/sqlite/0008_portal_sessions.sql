-- Portal sessions (issue 14, docs/portal.md): an embeddable portal link for one business.
--
-- A session has two credentials, both stored only as SHA-256: the single-use one in the link
-- (`link_hash`), and the one its first opening exchanges it for, kept in an HttpOnly cookie
-- (`session_hash`, NULL until then). Revoking sets `revoked_at` rather than deleting the row,
-- so a revoked link still knows the `return_url` its "expired" page offers.
CREATE TABLE portal_sessions (
  id           TEXT PRIMARY KEY,
  business_id  TEXT NOT NULL REFERENCES businesses (id),
  link_hash    TEXT NOT NULL UNIQUE,
  session_hash TEXT UNIQUE,
  read_only    INTEGER NOT NULL,
  theme        TEXT NOT NULL,
  return_url   TEXT,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  opened_at    INTEGER,
  revoked_at   INTEGER
) STRICT;
-- Creating a session removes those long past their expiry.
CREATE INDEX portal_sessions_expires ON portal_sessions (expires_at);
