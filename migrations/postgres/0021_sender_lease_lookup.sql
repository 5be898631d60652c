-- The sender leases of a set of webhooks, read through the primary key whatever the statistics
-- say (docs/architecture.md#query-plans-at-10-million-rows). The publish statement is prepared,
-- and a prepared statement keeps the generic plan it first made: made while webhook_senders was
-- empty, and never replaced on a server without autovacuum, that plan read the table
-- sequentially once per delivery published. No query-level form pins an index probe (the planner
-- costs a scan of an empty or one-page table below any probe), so the look-up lives here, planned
-- with sequential scans disabled. PL/pgSQL keeps that plan for the session, and the publish
-- statement calls this once per publish, not once per delivery.
CREATE FUNCTION sender_leases_of(p_webhook_ids text[])
RETURNS TABLE (webhook_id text, owner text, lease_until bigint)
LANGUAGE plpgsql STABLE
SET enable_seqscan = off SET search_path FROM CURRENT
AS $fn$
BEGIN
  RETURN QUERY
    SELECT s.webhook_id::text, s.owner, s.lease_until FROM webhook_senders s
    WHERE s.webhook_id = ANY (p_webhook_ids);
END
$fn$;
