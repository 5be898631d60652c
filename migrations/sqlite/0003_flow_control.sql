-- Flow control (docs/delivery.md#flow-control).

-- Which process sends for a webhook. Only PostgreSQL deployments with several processes use
-- it; SQLite is one process, so the table stays empty there and exists to keep both schemas
-- one shape.
CREATE TABLE webhook_senders (
  webhook_id  TEXT PRIMARY KEY,
  owner       TEXT NOT NULL,
  lease_until INTEGER NOT NULL
) STRICT;

-- A webhook's unfinished deliveries in event order: the head of an ordered (fifo) webhook,
-- the probe of an open circuit, and unparking, without walking the webhook's whole log.
-- The same expression as the queries' WHERE, so SQLite can use the partial index.
CREATE INDEX deliveries_open ON deliveries (webhook_id, created_at, event_id) WHERE status IN ('pending', 'retrying');
