-- Processes and their heartbeats (docs/reliability.md#crash-recovery).

-- One row per running `hookline serve` / `hookline worker`, keyed by the id that owns its
-- delivery and sender leases. A row whose heartbeat is several intervals old is a process
-- that died without saying so; the first live process to notice gives its leases back at once
-- instead of leaving them to run out. SQLite is one process at a time (the file is locked),
-- so here the table only ever holds the running process and what a crash left behind.
CREATE TABLE processes (
  id           TEXT PRIMARY KEY,
  host         TEXT NOT NULL,
  pid          INTEGER NOT NULL,
  mode         TEXT NOT NULL,
  started_at   INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL
) STRICT;
