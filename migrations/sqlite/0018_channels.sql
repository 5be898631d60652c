-- Channels (docs/api.md#channels): the channels a webhook takes events from, as a JSON list;
-- NULL takes events whatever their channels, as before.
ALTER TABLE webhooks ADD COLUMN channels TEXT;
