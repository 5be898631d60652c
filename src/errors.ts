/**
 * The one catalogue of errors Hookline can raise. Each has a stable code (part of the public
 * contract: clients may branch on it), the HTTP status it maps to, and a title. The `detail`
 * given at the throw site says what to fix. The API renders these as RFC 9457 problem+json;
 * the CLI prints one line and exits with `exitCode`.
 */
export const errorCatalog = {
  BAD_REQUEST: { status: 400, title: 'The request is not valid' },
  VALIDATION_FAILED: { status: 400, title: 'The request body or parameters do not match the schema' },
  INVALID_JSON: { status: 400, title: 'The request body is not valid JSON' },
  // issue 12: input hardening.
  BODY_TOO_DEEP: { status: 400, title: 'The request body nests too deeply' },
  LIMIT_EXCEEDED: { status: 422, title: 'A value is past the limit this server allows' },
  UNKNOWN_EVENT_TYPE: { status: 422, title: 'Unknown event type' },
  RESERVED_EVENT_TYPE: { status: 422, title: 'Only Hookline publishes this event type' },
  EVENT_DATA_INVALID: { status: 422, title: 'Event data does not match its event type schema' },
  INVALID_EVENT_FILTER: { status: 422, title: 'Invalid event filter' },
  INVALID_URL: { status: 422, title: 'Invalid webhook URL' },
  BLOCKED_TARGET: { status: 422, title: 'Webhook URL points at a forbidden network' },
  UNKNOWN_DIALECT: { status: 422, title: 'Unknown dialect' },
  INVALID_HEADER: { status: 422, title: 'Invalid custom header' },
  INVALID_CURSOR: { status: 400, title: 'Invalid pagination cursor' },
  UNAUTHORIZED: { status: 401, title: 'Missing or invalid bearer token' },
  FORBIDDEN: { status: 403, title: 'This token may not do that' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  BUSINESS_NOT_FOUND: { status: 404, title: 'Business not found' },
  WEBHOOK_NOT_FOUND: { status: 404, title: 'Webhook not found' },
  EVENT_NOT_FOUND: { status: 404, title: 'Event not found' },
  DELIVERY_NOT_FOUND: { status: 404, title: 'Delivery not found' },
  // Issue 17: `hookline listen` (docs/listen.md).
  LISTENER_NOT_FOUND: { status: 404, title: 'Listener not found' },
  LISTENER_ATTEMPT_NOT_FOUND: { status: 404, title: 'No attempt is waiting for this result' },
  BUSINESS_EXISTS: { status: 409, title: 'A business with this id already exists' },
  EVENT_TYPE_EXISTS: { status: 409, title: 'This event type is built in and cannot be replaced' },
  BODY_TOO_LARGE: { status: 413, title: 'Request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  // Answered by the HTTP layer before any route runs (src/api/clientError.ts).
  REQUEST_TIMEOUT: { status: 408, title: 'The request did not arrive in time' },
  HEADERS_TOO_LARGE: { status: 431, title: 'Request headers too large' },
  STORE_UNAVAILABLE: { status: 503, title: 'The database cannot store this right now' },
  // Issue 11: a dialect cannot carry a value; only previews raise it (deliveries record `unrepresentable`).
  UNREPRESENTABLE_DATA: { status: 422, title: "A value in the event's data cannot be carried by this dialect" },
  INTERNAL: { status: 500, title: 'Internal error' },
  CONFIG_INVALID: { status: 500, title: 'Invalid configuration' },
  MIGRATION_FAILED: { status: 500, title: 'Database migration failed' },
  // A newer Hookline migrated the database (issue 13): the operator's setup to fix, so a 4xx (exit code 2).
  DATABASE_NEWER_THAN_CODE: { status: 409, title: 'A newer version of Hookline migrated this database' },
  // Token lifecycle (issue 12).
  TOKEN_EXPIRED: { status: 401, title: 'The bearer token has expired' },
  TOKEN_NOT_FOUND: { status: 404, title: 'Token not found' },
  INVALID_TOKEN_EXPIRY: { status: 422, title: 'Invalid token expiry' },
  // A second server on one SQLite file (issue 12): the operator's setup to fix, so a 4xx (exit code 2).
  DATABASE_IN_USE: { status: 409, title: 'Another Hookline process is using this SQLite database' },
  // The embeddable portal (issue 14, docs/portal.md).
  INVALID_PORTAL_SESSION: { status: 422, title: 'Invalid portal session request' },
  PORTAL_SESSION_NOT_FOUND: { status: 404, title: 'Portal session not found' },
  PORTAL_READ_ONLY: { status: 403, title: 'This portal session is read-only' },
  // Svix's API (docs/svix.md): rendered there as Svix's {code, detail}.
  APPLICATION_NOT_FOUND: { status: 404, title: 'Application not found' },
  APPLICATION_EXISTS: { status: 409, title: 'An application with this uid already exists' },
  MESSAGE_EXISTS: { status: 409, title: 'A message with this eventId already exists' },
  UID_TAKEN: { status: 409, title: 'Another object already has this uid' },
  IDEMPOTENCY_CONFLICT: { status: 409, title: 'This idempotency key was used for a different request' },
  NOT_SERVED: { status: 404, title: "Hookline does not serve this part of Svix's API" },
  NOT_IMPLEMENTED: { status: 501, title: 'Not implemented yet' },
  // Payload filters (issue 16, docs/filters.md).
  INVALID_PAYLOAD_FILTER: { status: 422, title: 'Invalid payload filter' },
  // Endpoint auth and TLS (issue 18, docs/endpoint-auth.md).
  INVALID_ENDPOINT_AUTH: { status: 422, title: 'Invalid endpoint authentication' },
  INVALID_TLS: { status: 422, title: 'Invalid TLS certificate or key' },
  // Transformations (issue 16, docs/transformations.md).
  INVALID_TRANSFORMATION: { status: 422, title: 'Invalid transformation' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalog;

export class HooklineError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly title: string;
  /** Extra members of the problem document, e.g. `errors` for schema violations. */
  readonly extensions: Record<string, unknown>;

  constructor(code: ErrorCode, detail: string, extensions: Record<string, unknown> = {}) {
    super(detail);
    this.name = 'HooklineError';
    this.code = code;
    this.status = errorCatalog[code].status;
    this.title = errorCatalog[code].title;
    this.extensions = extensions;
  }

  /** CLI exit codes: 2 for what the user got wrong, 1 for everything else. */
  get exitCode(): number {
    return this.status >= 400 && this.status < 500 ? 2 : 1;
  }
}

export function isHooklineError(e: unknown): e is HooklineError {
  return e instanceof HooklineError;
}
