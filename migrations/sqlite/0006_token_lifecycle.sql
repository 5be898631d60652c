-- Tokens have a lifecycle (issue 12): an id to list and revoke them by, an optional name, the
-- first characters of the token so a person can tell tokens apart without seeing them, when
-- each was last used, and an optional expiry. Revoking deletes the row.
--
-- Tokens issued before this migration get a random id; their prefix is unknown (NULL), since
-- only the hash was kept.
ALTER TABLE tokens ADD COLUMN id TEXT;
ALTER TABLE tokens ADD COLUMN name TEXT;
ALTER TABLE tokens ADD COLUMN prefix TEXT;
ALTER TABLE tokens ADD COLUMN last_used_at INTEGER;
ALTER TABLE tokens ADD COLUMN expires_at INTEGER;
UPDATE tokens SET id = 'tok_' || lower(hex(randomblob(13))) WHERE id IS NULL;
CREATE UNIQUE INDEX tokens_id ON tokens (id);
-- A business's tokens, listed oldest first; the admin tokens sit under NULL.
CREATE INDEX tokens_business ON tokens (business_id, created_at);
