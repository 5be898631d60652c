-- Finished deliveries counted as they change (docs/architecture.md#counting-deliveries).
-- Counting them by status scanned the whole table (4.2 s at 10 million rows, with the process
-- stalled). Open ones (pending, retrying) are still counted from deliveries_open: they are
-- the backlog, and an index already holds exactly them.
--
-- Triggers, not the store's statements, keep the counts, so that every way a row becomes or
-- stops being finished (outcomes, claims failing orphans, retries, replays, retention, a row
-- edited by hand) is counted in the same transaction as the change.
--
-- There is no INSERT trigger. Any trigger on a table makes SQLite give every statement that
-- fires it a statement journal, and for publish's one-row INSERTs into a table with seven
-- indexes that cost more than the inserts themselves (100 events with 200 deliveries: 2–3 ms
-- without, 7.2–7.5 ms with, even with a WHEN that is never true). Hookline inserts every delivery pending, which
-- is not counted here, so nothing is missed; a row inserted already finished by hand (a bulk
-- load) is not counted until it changes status. The UPDATE trigger costs recordOutcomes about
-- 1.4 µs per outcome; claims and lease moves do not set status and do not fire it.
-- (INSERT OR REPLACE would also slip past: it deletes without firing the DELETE trigger.
-- Nothing writes deliveries that way.)
--
-- One row, shard 0: SQLite has one writer. The shard column keeps the table the shape of
-- PostgreSQL's, where writers from several processes must not queue on one row.
CREATE TABLE delivery_counts (
  shard     INTEGER PRIMARY KEY,
  succeeded INTEGER NOT NULL,
  failed    INTEGER NOT NULL
) STRICT;

-- The one full scan, at upgrade time, under the migration's write lock: nothing can change
-- between this count and the triggers taking over.
INSERT INTO delivery_counts (shard, succeeded, failed)
SELECT 0, count(*) FILTER (WHERE status = 'succeeded'), count(*) FILTER (WHERE status = 'failed') FROM deliveries;

-- Only statements that set status fire it, and it writes only when a row enters or leaves a
-- finished state.
CREATE TRIGGER delivery_counts_update AFTER UPDATE OF status ON deliveries
WHEN OLD.status <> NEW.status AND (OLD.status IN ('succeeded', 'failed') OR NEW.status IN ('succeeded', 'failed'))
BEGIN
  UPDATE delivery_counts SET
    succeeded = succeeded + (NEW.status = 'succeeded') - (OLD.status = 'succeeded'),
    failed = failed + (NEW.status = 'failed') - (OLD.status = 'failed')
  WHERE shard = 0;
END;

CREATE TRIGGER delivery_counts_delete AFTER DELETE ON deliveries
WHEN OLD.status IN ('succeeded', 'failed')
BEGIN
  UPDATE delivery_counts SET succeeded = succeeded - (OLD.status = 'succeeded'), failed = failed - (OLD.status = 'failed')
  WHERE shard = 0;
END;
