-- Endpoint authentication, client certificates and ownership verification (issue 18,
-- docs/endpoint-auth.md). `auth` and `tls` are JSON whose secret members are sealed like the
-- signing secret; NULL means none, as before. `verification` is 'challenge' or NULL (off);
-- `verified_url` is the URL whose owner answered the challenge, so a webhook is pending while it
-- differs from `url`. `tls_expiry_notified` is the certificate expiry an operational event was
-- raised for, so each certificate is announced once.
ALTER TABLE webhooks ADD COLUMN auth json;
ALTER TABLE webhooks ADD COLUMN tls json;
ALTER TABLE webhooks ADD COLUMN verification text;
ALTER TABLE webhooks ADD COLUMN verified_url text;
ALTER TABLE webhooks ADD COLUMN verification_error text;
ALTER TABLE webhooks ADD COLUMN tls_expiry_notified bigint;
