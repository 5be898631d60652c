-- Finished deliveries counted as they change (docs/architecture.md#counting-deliveries).
-- Counting them by status scanned the whole table (1.5–5.4 s at 10 million rows). Open ones
-- (pending, retrying) are still counted from deliveries_open: they are the backlog, and an
-- index already holds exactly them.
--
-- Triggers, not the store's statements, keep the counts, so that every way a status changes
-- or a row goes (publish, outcomes, claims failing orphans, replays, retention, a row edited
-- by hand) is counted in the same transaction as the change.
--
-- Sharded by server connection: every outcome batch of every process changes the succeeded
-- count, and one row for all of them would make their transactions queue on its lock from
-- the end of the statement to COMMIT. A connection only ever writes its own shard, so a
-- transaction holds at most one counter row (no deadlock between counters), and two
-- connections wait for each other only when their pids agree modulo 64. A shard can go
-- negative (retention deletes what other connections counted); the sum is what is exact.
CREATE TABLE delivery_counts (
  shard     smallint PRIMARY KEY,
  succeeded bigint NOT NULL,
  failed    bigint NOT NULL
);

-- Statement-level with transition tables: one counter write per statement however many rows
-- it changed (a row trigger would write the same row version once per delivery). Statements
-- that change no finished count (publish, claims, lease moves) write nothing.
-- search_path is pinned to this install's: a statement run with another search_path (a psql
-- session editing hookline.deliveries by its qualified name) must still count into this
-- install's delivery_counts, not fail or reach another install's.
CREATE FUNCTION delivery_counts_apply() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  d_succeeded bigint := 0;
  d_failed    bigint := 0;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM delivery_counts;
    RETURN NULL;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    SELECT count(*) FILTER (WHERE status = 'succeeded'), count(*) FILTER (WHERE status = 'failed')
      INTO d_succeeded, d_failed FROM new_rows;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    SELECT d_succeeded - count(*) FILTER (WHERE status = 'succeeded'), d_failed - count(*) FILTER (WHERE status = 'failed')
      INTO d_succeeded, d_failed FROM old_rows;
  END IF;
  IF d_succeeded <> 0 OR d_failed <> 0 THEN
    INSERT INTO delivery_counts AS c (shard, succeeded, failed)
    VALUES ((pg_backend_pid() % 64)::smallint, d_succeeded, d_failed)
    ON CONFLICT (shard) DO UPDATE SET succeeded = c.succeeded + excluded.succeeded, failed = c.failed + excluded.failed;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER delivery_counts_insert AFTER INSERT ON deliveries
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION delivery_counts_apply();
CREATE TRIGGER delivery_counts_update AFTER UPDATE ON deliveries
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION delivery_counts_apply();
CREATE TRIGGER delivery_counts_delete AFTER DELETE ON deliveries
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION delivery_counts_apply();
CREATE TRIGGER delivery_counts_truncate AFTER TRUNCATE ON deliveries
  FOR EACH STATEMENT EXECUTE FUNCTION delivery_counts_apply();

-- The one full scan, at upgrade time. CREATE TRIGGER above locks out writers to deliveries
-- until this migration commits, so nothing changes between this count and the triggers taking
-- over; at 10 million rows writes wait a few seconds, once.
INSERT INTO delivery_counts (shard, succeeded, failed)
SELECT 0, count(*) FILTER (WHERE status = 'succeeded'), count(*) FILTER (WHERE status = 'failed') FROM deliveries;
