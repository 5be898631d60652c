-- Hookline schema, PostgreSQL. The same tables as migrations/sqlite/0001_init.sql.
-- Times are bigint milliseconds since the Unix epoch, as in SQLite, so both stores hand the
-- same numbers to the code above them.
-- Keys are COLLATE "C": ids are compared and ordered for cursors and "newest first", and byte
-- order is both what SQLite does and what keeps ULID order equal to time order.
-- JSON that code reads back is `json`, not `jsonb`: nothing queries inside it, and `json` keeps
-- the caller's key order (schemas and headers are shown back as they were given).
-- Event data is `text`: it is passed through to receivers exactly as the publisher serialised it.

CREATE TABLE meta (
  key   text COLLATE "C" PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE businesses (
  id         text COLLATE "C" PRIMARY KEY,
  name       text NOT NULL,
  created_at bigint NOT NULL
);

-- Only the SHA-256 of a token is kept; business_id NULL is an admin (directory) token.
CREATE TABLE tokens (
  token_hash  text COLLATE "C" PRIMARY KEY,
  business_id text COLLATE "C" REFERENCES businesses (id),
  created_at  bigint NOT NULL
);

CREATE TABLE event_types (
  type        text COLLATE "C" PRIMARY KEY,
  description text NOT NULL,
  schema      json NOT NULL,
  example     json NOT NULL,
  created_at  bigint NOT NULL
);

CREATE TABLE webhooks (
  id                         text COLLATE "C" PRIMARY KEY,
  business_id                text COLLATE "C" NOT NULL REFERENCES businesses (id),
  name                       text NOT NULL,
  url                        text NOT NULL,
  events                     json NOT NULL,
  dialect                    text NOT NULL,
  enabled                    boolean NOT NULL,
  headers                    json NOT NULL,
  timeout_ms                 integer NOT NULL,
  retry_schedule             json,
  rate_limit                 double precision,
  max_in_flight              integer NOT NULL,
  ordering                   text NOT NULL,
  secret                     text NOT NULL,
  previous_secret            text,
  previous_secret_expires_at bigint,
  health_state               text NOT NULL,
  consecutive_failures       integer NOT NULL,
  health_since               bigint,
  health_reason              text,
  created_at                 bigint NOT NULL,
  updated_at                 bigint NOT NULL,
  deleted_at                 bigint
);

-- Listing a business's webhooks; ids are ULIDs, so id order is creation order.
CREATE INDEX webhooks_business ON webhooks (business_id, id) WHERE deleted_at IS NULL;

CREATE TABLE events (
  business_id text COLLATE "C" NOT NULL,
  id          text COLLATE "C" NOT NULL,
  type        text NOT NULL,
  data        text NOT NULL,
  occurred_at bigint NOT NULL,
  created_at  bigint NOT NULL,
  PRIMARY KEY (business_id, id)
);

CREATE TABLE deliveries (
  id               text COLLATE "C" PRIMARY KEY,
  business_id      text COLLATE "C" NOT NULL,
  event_id         text COLLATE "C" NOT NULL,
  webhook_id       text COLLATE "C" NOT NULL,
  event_type       text NOT NULL,
  status           text NOT NULL,
  attempt_count    integer NOT NULL,
  next_attempt_at  bigint,
  last_status_code integer,
  lease_owner      text,
  created_at       bigint NOT NULL,
  updated_at       bigint NOT NULL
);

-- The claim query walks this index in due order; finished and parked rows are not in it, so
-- it stays as small as the backlog however long the log grows.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
-- The delivery log: a business's deliveries newest first, optionally one webhook's or one event's.
CREATE INDEX deliveries_business ON deliveries (business_id, id);
CREATE INDEX deliveries_webhook ON deliveries (webhook_id, id);
CREATE INDEX deliveries_event ON deliveries (business_id, event_id);

CREATE TABLE attempts (
  delivery_id   text COLLATE "C" NOT NULL,
  number        integer NOT NULL,
  started_at    bigint NOT NULL,
  duration_ms   integer NOT NULL,
  status_code   integer,
  error         text,
  response_body text,
  PRIMARY KEY (delivery_id, number)
);

INSERT INTO meta (key, value) VALUES ('webhooks_version', '0');
