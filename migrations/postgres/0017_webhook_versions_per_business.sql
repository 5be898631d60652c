-- Issue 19: each business records the webhooks version of its own last webhook change, so a
-- publisher's matcher drops only the businesses that changed instead of its whole cache.
-- The index makes "which businesses changed since version v" a short range scan, asked on
-- every publish and almost always empty.
ALTER TABLE businesses ADD COLUMN webhooks_version bigint NOT NULL DEFAULT 0;
CREATE INDEX businesses_webhooks_version ON businesses (webhooks_version);
