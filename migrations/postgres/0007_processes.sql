-- Processes and their heartbeats (docs/reliability.md#crash-recovery).

-- One row per running `hookline serve` / `hookline worker`, keyed by the id that owns its
-- delivery and sender leases. A row whose heartbeat is several intervals old is a process
-- that died without saying so; the first live process to notice gives its leases back at once
-- instead of leaving them to run out. A handful of rows, rewritten every few seconds: no index
-- beyond the key.
CREATE TABLE processes (
  id           text COLLATE "C" PRIMARY KEY,
  host         text NOT NULL,
  pid          integer NOT NULL,
  mode         text NOT NULL,
  started_at   bigint NOT NULL,
  heartbeat_at bigint NOT NULL
);
