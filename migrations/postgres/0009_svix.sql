-- What Svix's API (docs/svix.md) knows about Hookline's objects and Hookline does not:
-- an application's uid and metadata, an endpoint's uid, description, metadata and channels,
-- the name and channels a message was sent with, and the answers kept for idempotency keys.
-- One table keyed by kind: each kind's fields are one JSON document (`body`) that only the
-- Svix routes read, so a new field needs no migration.
--
-- `scope` is what a uid is unique within: '' for applications (their id is the business id),
-- the business id for endpoints and messages, the business id (or "admin") for idempotency keys.
CREATE TABLE svix_records (
  kind       text COLLATE "C" NOT NULL,
  scope      text COLLATE "C" NOT NULL,
  id         text COLLATE "C" NOT NULL,
  uid        text COLLATE "C",
  body       text NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (kind, scope, id)
);
CREATE UNIQUE INDEX svix_records_uid ON svix_records (kind, scope, uid) WHERE uid IS NOT NULL;
-- Idempotency keys are forgotten after a day: found by age.
CREATE INDEX svix_records_age ON svix_records (kind, created_at);
-- Messages are listed newest first, a page at a time.
CREATE INDEX svix_records_list ON svix_records (kind, scope, created_at, id);
