-- Flow control (docs/delivery.md#flow-control).

-- Which process sends for a webhook: one process at a time, so that a webhook's rate_limit,
-- max_in_flight, circuit breaker and fifo order hold across every process sharing the
-- database. A row is a lease; an expired one is free to take.
CREATE TABLE webhook_senders (
  webhook_id  text COLLATE "C" PRIMARY KEY,
  owner       text NOT NULL,
  lease_until bigint NOT NULL
);

-- A webhook's unfinished deliveries in event order: the head of an ordered (fifo) webhook,
-- the probe of an open circuit, and unparking, without walking the webhook's whole log.
CREATE INDEX deliveries_open ON deliveries (webhook_id, created_at, event_id) WHERE status IN ('pending', 'retrying');
