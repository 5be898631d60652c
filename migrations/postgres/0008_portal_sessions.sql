-- Portal sessions (issue 14, docs/portal.md): an embeddable portal link for one business.
--
-- A session has two credentials, both stored only as SHA-256: the single-use one in the link
-- (`link_hash`), and the one its first opening exchanges it for, kept in an HttpOnly cookie
-- (`session_hash`, NULL until then). Revoking sets `revoked_at` rather than deleting the row,
-- so a revoked link still knows the `return_url` its "expired" page offers.
CREATE TABLE portal_sessions (
  id           text COLLATE "C" PRIMARY KEY,
  business_id  text COLLATE "C" NOT NULL REFERENCES businesses (id),
  link_hash    text COLLATE "C" NOT NULL UNIQUE,
  session_hash text COLLATE "C" UNIQUE,
  read_only    boolean NOT NULL,
  theme        text NOT NULL,
  return_url   text,
  created_at   bigint NOT NULL,
  expires_at   bigint NOT NULL,
  opened_at    bigint,
  revoked_at   bigint
);
-- Creating a session removes those long past their expiry.
CREATE INDEX portal_sessions_expires ON portal_sessions (expires_at);
