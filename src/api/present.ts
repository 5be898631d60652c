import type { AttemptRow, BusinessRow, DeliveryRow, EndpointAuth, EndpointTls, EventRow, WebhookRow } from '../store/Store.js';
import { clientCertExpiry } from '../webhooks/endpointInput.js';
import { verificationState } from '../webhooks/verificationState.js';

/** Store rows → API JSON. Times leave as ISO 8601 strings; ids and names as the contract spells them. */

// A published batch shares one created_at (and often one occurred_at): format a repeated time once.
let lastMs = Number.NaN;
let lastIso = '';
export const iso = (ms: number): string => {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
};
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export function presentBusiness(b: BusinessRow) {
  return { id: b.id, name: b.name, created_at: iso(b.created_at) };
}

/** Stands for a custom header value in answers that must not show it. */
export const REDACTED = '[redacted]';

/**
 * The secret and custom header values (often an Authorization token) are shown on
 * single-webhook answers only; lists show header names with REDACTED values.
 */
export function presentWebhook(w: WebhookRow, opts: { secret: boolean }) {
  return {
    id: w.id,
    business: w.business_id,
    name: w.name,
    url: w.url,
    events: w.events,
    dialect: w.dialect,
    enabled: w.enabled,
    headers: opts.secret ? w.headers : Object.fromEntries(Object.keys(w.headers).map((name) => [name, REDACTED])),
    timeout_ms: w.timeout_ms,
    retry_schedule: w.retry_schedule,
    rate_limit: w.rate_limit,
    max_in_flight: w.max_in_flight,
    ordering: w.ordering,
    filter: w.filter ?? null,
    auth: presentAuth(w.auth),
    tls: presentTls(w.tls),
    verification: w.verification ?? 'none',
    verification_state: verificationState(w),
    verification_error: w.verification_error ?? null,
    transformation: w.transformation ?? null,
    channels: w.channels ?? null,
    ...(opts.secret ? { secret: w.secret } : {}),
    health: {
      state: w.health_state,
      consecutive_failures: w.consecutive_failures,
      since: isoOrNull(w.health_since),
      reason: w.health_reason,
    },
    created_at: iso(w.created_at),
    updated_at: iso(w.updated_at),
  };
}

/** Endpoint auth without its secret member: never returned, on any answer (docs/endpoint-auth.md). */
function presentAuth(auth: EndpointAuth | null | undefined) {
  if (!auth) return null;
  if (auth.type === 'basic') return { type: auth.type, username: auth.username, password: REDACTED };
  if (auth.type === 'bearer') return { type: auth.type, token: REDACTED };
  return { ...auth, client_secret: REDACTED };
}

/** Certificates are public; the key is never returned. The certificate's expiry is shown so that it can be renewed in time. */
function presentTls(tls: EndpointTls | null | undefined) {
  if (!tls) return null;
  return {
    ...(tls.client_cert ? { client_cert: tls.client_cert, client_key: REDACTED, client_cert_expires_at: isoOrNull(clientCertExpiry(tls)) } : {}),
    ...(tls.ca ? { ca: tls.ca } : {}),
  };
}

export function presentEvent(e: EventRow) {
  return {
    id: e.id,
    business: e.business_id,
    type: e.type,
    data: JSON.parse(e.data) as unknown,
    occurred_at: iso(e.occurred_at),
    created_at: iso(e.created_at),
  };
}

export function presentAttempt(a: AttemptRow) {
  return {
    number: a.number,
    started_at: iso(a.started_at),
    duration_ms: a.duration_ms,
    status_code: a.status_code,
    error: a.error,
    response_body: a.response_body,
    transformation_version: a.transformation_version ?? null,
  };
}

/**
 * While a process holds a delivery, `next_attempt_at` in the store is its lease expiry; the API
 * shows null then, because the attempt is happening now, not at that time.
 */
export function presentDelivery(d: DeliveryRow & { attempts?: AttemptRow[] }) {
  return {
    id: d.id,
    business: d.business_id,
    event_id: d.event_id,
    event_type: d.event_type,
    webhook_id: d.webhook_id,
    status: d.status,
    attempt_count: d.attempt_count,
    next_attempt_at: d.lease_owner ? null : isoOrNull(d.next_attempt_at),
    last_status_code: d.last_status_code,
    created_at: iso(d.created_at),
    updated_at: iso(d.updated_at),
    ...(d.attempts ? { attempts: d.attempts.map(presentAttempt) } : {}),
  };
}
