-- Hookline schema, SQLite. Times are integer milliseconds since the Unix epoch.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE businesses (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

-- Only the SHA-256 of a token is kept; business_id NULL is an admin (directory) token.
CREATE TABLE tokens (
  token_hash  TEXT PRIMARY KEY,
  business_id TEXT REFERENCES businesses (id),
  created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE event_types (
  type        TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  schema      TEXT NOT NULL,
  example     TEXT NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE webhooks (
  id                         TEXT PRIMARY KEY,
  business_id                TEXT NOT NULL REFERENCES businesses (id),
  name                       TEXT NOT NULL,
  url                        TEXT NOT NULL,
  events                     TEXT NOT NULL,
  dialect                    TEXT NOT NULL,
  enabled                    INTEGER NOT NULL,
  headers                    TEXT NOT NULL,
  timeout_ms                 INTEGER NOT NULL,
  retry_schedule             TEXT,
  rate_limit                 REAL,
  max_in_flight              INTEGER NOT NULL,
  ordering                   TEXT NOT NULL,
  secret                     TEXT NOT NULL,
  previous_secret            TEXT,
  previous_secret_expires_at INTEGER,
  health_state               TEXT NOT NULL,
  consecutive_failures       INTEGER NOT NULL,
  health_since               INTEGER,
  health_reason              TEXT,
  created_at                 INTEGER NOT NULL,
  updated_at                 INTEGER NOT NULL,
  deleted_at                 INTEGER
) STRICT;

-- Listing a business's webhooks newest first; ids are ULIDs, so id order is creation order.
CREATE INDEX webhooks_business ON webhooks (business_id, id) WHERE deleted_at IS NULL;

CREATE TABLE events (
  business_id TEXT NOT NULL,
  id          TEXT NOT NULL,
  type        TEXT NOT NULL,
  data        TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (business_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE deliveries (
  id               TEXT PRIMARY KEY,
  business_id      TEXT NOT NULL,
  event_id         TEXT NOT NULL,
  webhook_id       TEXT NOT NULL,
  event_type       TEXT NOT NULL,
  status           TEXT NOT NULL,
  attempt_count    INTEGER NOT NULL,
  next_attempt_at  INTEGER,
  last_status_code INTEGER,
  lease_owner      TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
) STRICT;

-- The claim query walks this index in due order; finished and parked rows are not in it.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
-- The delivery log: a business's deliveries newest first, optionally one webhook's or one event's.
CREATE INDEX deliveries_business ON deliveries (business_id, id);
CREATE INDEX deliveries_webhook ON deliveries (webhook_id, id);
CREATE INDEX deliveries_event ON deliveries (business_id, event_id);

CREATE TABLE attempts (
  delivery_id   TEXT NOT NULL,
  number        INTEGER NOT NULL,
  started_at    INTEGER NOT NULL,
  duration_ms   INTEGER NOT NULL,
  status_code   INTEGER,
  error         TEXT,
  response_body TEXT,
  PRIMARY KEY (delivery_id, number)
) STRICT, WITHOUT ROWID;

INSERT INTO meta (key, value) VALUES ('webhooks_version', '0');
