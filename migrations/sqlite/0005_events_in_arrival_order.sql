-- Events stored in arrival order (docs/architecture.md#events-in-arrival-order).
--
-- The events table was WITHOUT ROWID, clustered on (business_id, id). An event id the
-- publisher chooses (a UUID, an order number) lands at a random place in that b-tree, and the
-- ~1 KB row moves with it: each insert dirtied and split full-size leaf pages, and publishing
-- 100,000 events with random ids took 3x as long as with Hookline's time-ordered ids. As a
-- rowid table the rows append in arrival order, and only the small unique index takes the
-- random inserts.
--
-- Existing events are copied once, oldest first, inside the migration's transaction.
CREATE TABLE events_by_arrival (
  business_id TEXT NOT NULL,
  id          TEXT NOT NULL,
  type        TEXT NOT NULL,
  data        TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;

INSERT INTO events_by_arrival (business_id, id, type, data, occurred_at, created_at)
SELECT business_id, id, type, data, occurred_at, created_at FROM events ORDER BY created_at, business_id, id;

DROP TABLE events;
ALTER TABLE events_by_arrival RENAME TO events;

CREATE UNIQUE INDEX events_key ON events (business_id, id);
CREATE INDEX events_created ON events (created_at, business_id, id);
