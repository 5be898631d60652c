-- Payload filters (issue 16, docs/filters.md): a webhook's condition on the event's content,
-- as JSON text; NULL sends every event of the webhook's types, as before.
ALTER TABLE webhooks ADD COLUMN filter TEXT;
