-- Transformations (issue 16, docs/transformations.md): a webhook's code that reshapes each
-- request before it is signed and sent, {code, enabled, version}; NULL = none.
ALTER TABLE webhooks ADD COLUMN transformation json;

-- Every saved version of a webhook's code, so that an attempt's version can be read back and
-- an earlier version restored.
CREATE TABLE transformation_versions (
  webhook_id text NOT NULL,
  version    integer NOT NULL,
  code       text NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (webhook_id, version)
);

-- Which version rendered an attempt; NULL when the webhook had no transformation then.
ALTER TABLE attempts ADD COLUMN transformation_version integer;
