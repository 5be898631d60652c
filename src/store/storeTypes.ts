/**
 * Most of the rows and arguments the Store interface speaks in. Store.ts re-exports them, so
 * callers import everything from Store.ts.
 */

/** `cancelled`: a transformation asked not to send it (docs/transformations.md). */
export type DeliveryStatus = 'pending' | 'succeeded' | 'retrying' | 'failed' | 'cancelled';
export type HealthState = 'healthy' | 'unhealthy' | 'disabled';
export type Ordering = 'none' | 'fifo';
/** A payload filter as stored: JSON, checked at save (docs/filters.md). */
export type { FilterDocument } from '../catalog/payloadFilter/filterTree.js';
import type { FilterDocument } from '../catalog/payloadFilter/filterTree.js';
import type { EndpointAuth, EndpointTls, Verification } from './endpointTypes.js';
export type { EndpointAuth, EndpointTls, OAuth2ClientCredentials, Verification } from './endpointTypes.js';

/** A webhook's transformation as stored: its code, whether it runs, and which saved version it is. */
export interface TransformationSpec {
  code: string;
  enabled: boolean;
  version: number;
}

/** One saved version of a webhook's transformation code. */
export interface TransformationVersionRow {
  webhook_id: string;
  version: number;
  code: string;
  created_at: number;
}

export interface WebhookRow {
  id: string;
  business_id: string;
  name: string;
  url: string;
  events: string[];
  dialect: string;
  enabled: boolean;
  headers: Record<string, string>;
  timeout_ms: number;
  /** Seconds between attempts; null = the default schedule; [] = one attempt only. */
  retry_schedule: number[] | null;
  rate_limit: number | null;
  max_in_flight: number;
  ordering: Ordering;
  /** The payload filter (docs/filters.md); null or absent: every event of its types. */
  filter?: FilterDocument | null;
  /** How Hookline authenticates to the endpoint (docs/endpoint-auth.md); absent or null: only the signature. */
  auth?: EndpointAuth | null;
  /** Client certificate and private CA for the endpoint; absent or null: none. */
  tls?: EndpointTls | null;
  /** 'challenge': the URL's owner must echo a challenge before events flow; absent or null: off. */
  verification?: Verification | null;
  /** The URL whose owner answered the challenge; pending while it differs from `url`. */
  verified_url?: string | null;
  /** Why the last challenge was not answered; null once answered. */
  verification_error?: string | null;
  /** The certificate expiry (ms) an expiry warning was raised for. */
  tls_expiry_notified?: number | null;
  /** The transformation (docs/transformations.md); null or absent: requests go as the dialect renders them. */
  transformation?: TransformationSpec | null;
  /** Only events published to one of these channels (docs/api.md#channels); null or absent: any. */
  channels?: string[] | null;
  secret: string;
  /** The secret before the last rotation; it keeps signing until `previous_secret_expires_at`. */
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  health_state: HealthState;
  consecutive_failures: number;
  health_since: number | null;
  health_reason: string | null;
  created_at: number;
  updated_at: number;
}

/** What `Store.webhookChangesSince` finds: the newest version among the changes (`since` when none), and whose webhooks changed. */
/** A webhook's secret fields as stored, and what rewriting them needs: all a pass over every webhook's secrets reads. */
export type WebhookSecretsRow = Pick<WebhookRow, 'id' | 'business_id' | 'updated_at' | 'secret' | 'previous_secret' | 'headers' | 'auth' | 'tls'>;

export interface WebhookChanges {
  version: number;
  businesses: string[];
}

/** Fields a caller may change on a webhook. */
export type WebhookPatch = Partial<
  Pick<
    WebhookRow,
    | 'name'
    | 'url'
    | 'events'
    | 'dialect'
    | 'enabled'
    | 'headers'
    | 'timeout_ms'
    | 'retry_schedule'
    | 'rate_limit'
    | 'max_in_flight'
    | 'ordering'
    | 'filter'
    | 'auth'
    | 'tls'
    | 'verification'
    | 'verified_url'
    | 'verification_error'
    | 'tls_expiry_notified'
    | 'transformation'
    | 'channels'
    | 'secret'
    | 'previous_secret'
    | 'previous_secret_expires_at'
    | 'health_state'
    | 'consecutive_failures'
    | 'health_since'
    | 'health_reason'
  >
>;

export interface EventRow {
  id: string;
  business_id: string;
  type: string;
  /** The event's `data` as JSON text, exactly as stored. */
  data: string;
  occurred_at: number;
  created_at: number;
  /** The W3C traceparent its attempts continue (migration 0015); absent or null: none. */
  traceparent?: string | null;
  /** The publisher's tracestate, sent beside `traceparent`. */
  tracestate?: string | null;
}

export interface DeliveryRow {
  id: string;
  business_id: string;
  event_id: string;
  webhook_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempt_count: number;
  /**
   * When the dispatcher may next take this delivery: the scheduled retry time, or, while a
   * process holds it, when that process's lease runs out. Null when parked (its webhook is
   * disabled) or finished.
   */
  next_attempt_at: number | null;
  last_status_code: number | null;
  lease_owner: string | null;
  created_at: number;
  updated_at: number;
}

export interface AttemptRow {
  delivery_id: string;
  number: number;
  started_at: number;
  duration_ms: number;
  status_code: number | null;
  /** Short code: timeout, connection_refused, dns, tls, blocked_target, http_status, … */
  error: string | null;
  response_body: string | null;
  /** The transformation version that shaped this attempt's request; absent or null: none. */
  transformation_version?: number | null;
}

export interface EventTypeRow {
  type: string;
  description: string;
  schema: Record<string, unknown>;
  example: unknown;
  created_at: number;
}

/** A delivery as the dispatcher needs it: the row plus its event. */
export interface DispatchItem {
  delivery: DeliveryRow;
  event: EventRow;
}

/** An event as the publisher hands it to the store: the fields it is stored with. */
export type NewEvent = EventRow;

export interface NewDelivery {
  id: string;
  webhook_id: string;
  /** Set when the publishing process keeps the delivery in memory to send at once. */
  lease_owner: string | null;
  next_attempt_at: number;
}

export interface PublishItem {
  event: NewEvent;
  deliveries: NewDelivery[];
}

export interface PublishResult {
  event: EventRow;
  /** False when an event with this id already existed (an idempotent repeat). */
  created: boolean;
  /** The deliveries this call created (none for a repeat). */
  deliveries: DeliveryRow[];
}

/** The outcome of one attempt, with the delivery's state after it. */
export interface AttemptOutcome {
  attempt: AttemptRow;
  status: DeliveryStatus;
  next_attempt_at: number | null;
  /** The lease this outcome was recorded under; a stale owner's write is dropped. */
  lease_owner: string;
}

export interface DeliveryFilter {
  webhook_id?: string;
  event_id?: string;
  event_type?: string;
  status?: DeliveryStatus;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** Health fields the dispatcher writes; `enabled` only when it disables the webhook itself. */
export type WebhookHealth = Pick<WebhookRow, 'health_state' | 'consecutive_failures' | 'health_since' | 'health_reason'> & {
  enabled?: boolean;
};

/**
 * Every delivery in the store by status, exact as of one snapshot. Cheap at any size of the
 * log: the finished counts are kept by triggers as rows change (`delivery_counts`), and the
 * open ones are read through their partial index, so the cost follows the backlog
 * (docs/architecture.md#counting-deliveries).
 */
export interface DeliveryCounts {
  pending: number;
  retrying: number;
  succeeded: number;
  failed: number;
  /** Oldest `next_attempt_at` among due, unleased deliveries; null when none. */
  oldest_due_at: number | null;
}

/** Where a retention pass is: limits are rows looked at, so one batch is one short transaction. */
export interface PurgeBatch {
  /** Delete what is older than this (ms since the epoch). */
  before: number;
  /** Resume after this point; null starts from the oldest row. */
  cursor: string | null;
  /** At most this many rows are looked at (and so at most this many deleted) by one call. */
  limit: number;
}

export interface PurgedDeliveries {
  scanned: number;
  deliveries: number;
  attempts: number;
  /** Where the next batch starts; null when nothing older than `before` is left to look at. */
  cursor: string | null;
}

export interface PurgedEvents {
  scanned: number;
  events: number;
  cursor: string | null;
}

/** Which process sends for a webhook, and until when (Store.acquireSenders). */
export interface SenderLease {
  webhook_id: string;
  owner: string;
  lease_until: number;
}

export interface OrderedClaimOptions {
  owner: string;
  webhookId: string;
  now: number;
  leaseUntil: number;
  limit: number;
  includeParked?: boolean;
}

export interface OrderedClaim {
  /** Leased to the caller, in event order. */
  items: DispatchItem[];
  /**
   * When the delivery that stopped the run may become available (its retry time, or when
   * another holder's lease runs out); null when the run ended for another reason (nothing left, the
   * limit, or a parked delivery, which waits for the webhook to be enabled or its circuit to close).
   */
  blocked_until: number | null;
}
