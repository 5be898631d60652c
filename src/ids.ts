import { randomBytes } from 'node:crypto';
import { encodeTime, monotonicFactory } from 'ulidx';

const ulid = monotonicFactory();

export const newWebhookId = (): string => `wh_${ulid()}`;
export const newEventId = (): string => `evt_${ulid()}`;
export const newDeliveryId = (): string => `dlv_${ulid()}`;
/**
 * The lowest delivery id that can be created at `time`: ULIDs start with their time, so every
 * delivery created earlier sorts below it. Retention walks the primary key with it instead of
 * keeping an index on created_at that every publish would have to write.
 */
export const deliveryIdFloor = (time: number): string => `dlv_${encodeTime(time, 10)}`;
/** A random id for one dispatcher process; it owns the leases it takes. */
export const newWorkerId = (): string => `wrk_${ulid()}`;

/** `whsec_` + base64 of 32 random bytes, as Standard Webhooks expects. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;
/** Bearer tokens carry 256 bits; only their SHA-256 is stored. */
export const newToken = (kind: 'admin' | 'business'): string =>
  `hl_${kind === 'admin' ? 'adm' : 'biz'}_${randomBytes(32).toString('base64url')}`;
/** A token's id, by which it is listed and revoked; never the token itself. */
export const newTokenId = (): string => `tok_${ulid()}`;
/** A portal session's id (issue 14), by which it is revoked; never one of its credentials. */
export const newPortalSessionId = (): string => `ps_${ulid()}`;
/** A portal credential (the link's single-use one, or the cookie's): 256 bits, stored as SHA-256. */
export const newPortalCredential = (kind: 'link' | 'session'): string => `hl_${kind === 'link' ? 'pl' : 'ps'}_${randomBytes(32).toString('base64url')}`;
