-- Transformations (issue 16, docs/transformations.md): a webhook's code that reshapes each
-- request before it is signed and sent, as JSON text {code, enabled, version}; NULL = none.
ALTER TABLE webhooks ADD COLUMN transformation TEXT;

-- Every saved version of a webhook's code, so that an attempt's version can be read back and
-- an earlier version restored.
CREATE TABLE transformation_versions (
  webhook_id TEXT NOT NULL,
  version    INTEGER NOT NULL,
  code       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (webhook_id, version)
) STRICT, WITHOUT ROWID;

-- Which version rendered an attempt; NULL when the webhook had no transformation then.
ALTER TABLE attempts ADD COLUMN transformation_version INTEGER;
