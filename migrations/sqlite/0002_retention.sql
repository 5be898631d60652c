-- Retention (docs/architecture.md#retention) walks events oldest first and resumes from the
-- key of the last one it looked at; deliveries need no index for it, their ULID primary key
-- already sorts by creation time.
CREATE INDEX events_created ON events (created_at, business_id, id);

-- The delivery log filtered by a status other than succeeded (failed, or the open backlog):
-- without it a status that matches few rows walks the business's whole log, newest first
-- (3.7 s at 10 million deliveries, docs/architecture.md#query-plans-at-10-million-rows).
-- Partial, so succeeded rows (nearly all of them) cost it nothing; listDeliveries repeats the
-- predicate so that the planner can use it with a bound parameter.
CREATE INDEX deliveries_business_status ON deliveries (business_id, status, id) WHERE status <> 'succeeded';
