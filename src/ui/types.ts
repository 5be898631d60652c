/** The API's JSON shapes the dashboard reads (docs/api.md; /openapi.json is the full contract). */

export interface Business {
  id: string;
  name: string;
  created_at: string;
}

export interface Health {
  state: 'healthy' | 'unhealthy' | 'disabled' | string;
  consecutive_failures: number;
  since: string | null;
  reason: string | null;
}

export interface Webhook {
  id: string;
  business: string;
  name: string;
  url: string;
  events: string[];
  dialect: string;
  enabled: boolean;
  headers: Record<string, string>;
  timeout_ms: number;
  retry_schedule: number[] | null;
  rate_limit: number | null;
  max_in_flight: number;
  ordering: 'none' | 'fifo';
  /** The payload filter (docs/filters.md); null = every event of its triggers. */
  filter: Record<string, unknown> | null;
  /** Endpoint auth and TLS (docs/endpoint-auth.md); secret members come back as "[redacted]". */
  auth?: { type: 'basic' | 'bearer' | 'oauth2_client_credentials'; username?: string; client_id?: string; token_url?: string } | null;
  tls?: { client_cert?: string; client_cert_expires_at?: string | null; ca?: string } | null;
  verification_state?: 'not_required' | 'pending_verification' | 'verified';
  verification_error?: string | null;
  /** The transformation (docs/transformations.md); null = requests go as the dialect renders them. */
  transformation: { code: string; enabled: boolean; version: number } | null;
  secret?: string;
  health: Health;
  created_at: string;
  updated_at: string;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'retrying' | 'failed' | 'cancelled';

export interface Attempt {
  number: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_body: string | null;
}

export interface Delivery {
  id: string;
  business: string;
  event_id: string;
  event_type: string;
  webhook_id: string;
  status: DeliveryStatus;
  attempt_count: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  created_at: string;
  updated_at: string;
  attempts?: Attempt[];
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface EventType {
  type: string;
  description: string;
  schema: unknown;
  example: unknown;
  /** This type's name in each dialect; null where the dialect cannot carry it. */
  names: Record<string, string | null>;
}

export interface RenderedRequest {
  method: string;
  url: string;
  headers: { name: string; value: string; masked: boolean }[];
  body: string;
  body_masked: boolean;
  attempt_number: number;
  rendered_for: string;
}

export interface Inbox {
  id: string;
  url: string;
  webhook_id: string | null;
  created_at: string;
  last_request_at: string | null;
  request_count: number;
}

export interface SignatureCheck {
  status: 'verified' | 'failed' | 'no_webhook';
  dialect?: string | null;
  webhook_id?: string | null;
  webhook_name?: string;
  note?: string | null;
  reason?: string;
}

export interface InboxRequest {
  seq: number;
  received_at: string;
  method: string;
  path: string;
  headers: { name: string; value: string }[];
  body: string;
  body_bytes: number;
  body_truncated: boolean;
  signature: SignatureCheck;
}

export interface Overview {
  generated_at: string;
  per_minute: { minute: string; succeeded: number; failed: number }[];
  queue: {
    /** Null until the server has counted the log once (it counts in the background). */
    counted_at: string | null;
    pending: number;
    retrying: number;
    succeeded: number;
    failed: number;
    oldest_due_at: string | null;
    oldest_due_age_ms: number;
    held: number;
    in_flight: number;
  };
  queue_history: { at: string; waiting: number; oldest_due_age_ms: number }[];
  failing: {
    webhook_id: string;
    business: string;
    name: string | null;
    url: string | null;
    health: string;
    consecutive_failures: number;
    reason: string | null;
    failed_last_hour: number;
    last_error: string | null;
    last_status_code: number | null;
  }[];
}

export interface Whoami {
  kind: 'admin' | 'business';
  business: { id: string; name: string } | null;
}

/** `GET /v1/businesses/{b}/tokens`: never the token itself. */
export interface TokenInfo {
  id: string;
  name: string | null;
  prefix: string | null;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}

/** `POST /v1/businesses/{b}/tokens`: the only answer that carries the token. */
export interface IssuedToken {
  id: string;
  token: string;
  name: string | null;
  business: string;
  created_at: string;
  expires_at: string | null;
}
