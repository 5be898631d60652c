import type { Static } from '@sinclair/typebox';
import type * as schemas from '../../src/api/schemas.js';
import type * as tokenSchemas from '../../src/api/tokenSchemas.js';
import type * as listenerSchemas from '../../src/api/listenerSchemas.js';

/**
 * What the v1 API answers, typed from the schemas that serialise it (src/api/schemas.ts), so a
 * test that reads a field the API does not have fails to compile. A test names the shape it
 * expects per call: `hl.api<ApiWebhook>('POST', …)`.
 */

export type ApiBusiness = Static<typeof schemas.Business>;
/** A webhook read by itself (created, read by id, changed, rotated): with its secret. */
export type ApiWebhook = Static<typeof schemas.Webhook> & { secret: string };
/** A webhook as lists show it: never with its secret. */
export type ApiListedWebhook = Static<typeof schemas.Webhook>;
export type ApiAttempt = Static<typeof schemas.Attempt>;
/** A delivery as the log lists it. */
export type ApiDelivery = Omit<Static<typeof schemas.Delivery>, 'attempts'>;
/** One delivery read by id: always with its attempts. */
export type ApiDeliveryDetail = ApiDelivery & { attempts: ApiAttempt[] };
/** An event as read back. */
export type ApiEvent = Omit<Static<typeof schemas.Event>, 'data'> & { data: unknown };
/** What a publish answers: the event, how many deliveries it made, and whether its id was already stored. */
export type ApiAccepted = ApiEvent & { deliveries: number; duplicate: boolean };
/** What a batch publish answers: each event without the `data` the caller has just sent. */
export interface ApiBatchAccepted {
  data: (Omit<ApiAccepted, 'data'>)[];
}
/** What "send test event" answers: the event and the one delivery it made. */
export type ApiTestEvent = ApiEvent & { delivery: ApiDelivery };
export type ApiProblem = Static<typeof schemas.Problem>;
/** A request rendered again for the inspector and the wire preview, signatures masked. */
export type ApiRenderedRequest = Static<typeof schemas.RenderedRequestOut>;
/** One entry of the event catalogue, with each dialect's name for it. */
export type ApiEventType = Static<typeof schemas.EventTypeOut> & { names: Record<string, string | null> };
export type ApiIssuedToken = Static<typeof tokenSchemas.IssuedToken>;
export type ApiListedToken = Static<typeof tokenSchemas.ListedToken>;
/** A `hookline listen` listener, with its signing secret. */
export type ApiListener = Static<typeof listenerSchemas.Listener>;

/** A test inbox of the inspector. */
export interface ApiInbox {
  id: string;
  url: string;
  webhook_id: string | null;
  created_at: string;
  last_request_at: string | null;
  request_count: number;
}

/** One request an inbox recorded, with the result of checking its signature. */
export interface ApiInboxRequest {
  seq: number;
  received_at: string;
  method: string;
  path: string;
  headers: { name: string; value: string }[];
  body: string;
  body_bytes: number;
  body_truncated: boolean;
  signature: { status: string; dialect?: string | null; webhook_id?: string | null; webhook_name?: string; note?: string | null; reason?: string };
}

/** The vcita contract's own error shape (seed 003), not problem+json. */
export interface ApiVcitaError {
  status: 'Error';
  error: string;
}

/** What the vcita contract's subscribe answers. */
export interface ApiVcitaSubscribed {
  status: 'OK';
  data: { subscription_id: string };
}

/** What the vcita contract's list answers. */
export interface ApiVcitaList {
  response: { success: 'ok'; data: { subscriptions: { id: string; entity: string; event_type: string; url: string }[] } };
}

/** The OpenAPI document, as far as the tests walk it. */
export interface ApiOpenApi {
  paths: Record<string, Record<string, unknown>>;
}

/** The admin overview, as far as the tests read it. */
export interface ApiOverview {
  per_minute: { succeeded: number; failed: number }[];
  queue: { counted_at: string | null; pending: number; succeeded: number; failed: number; retrying: number };
}

/** One page of a list: `next_cursor` is null on the last (lists that are not paged have none). */
export interface ApiPage<T> {
  data: T[];
  next_cursor?: string | null;
}

/** A portal session as created (issue 14): its link is shown once. */
export interface ApiPortalSession {
  id: string;
  url: string;
  expires_at: string;
}
