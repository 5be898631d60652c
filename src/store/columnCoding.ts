import type { EndpointAuth, EndpointTls, EventTypeRow, TransformationSpec, Verification, WebhookRow, WebhookSecretsRow } from './Store.js';
import type { FilterDocument } from '../catalog/payloadFilter/filterTree.js';
import { UNPATCHABLE_WEBHOOK_COLUMNS, WEBHOOK_COLUMNS } from './columns.js';

/** A row as a driver returns it. */
export type RawRow = Record<string, unknown>;

/**
 * How a driver hands over the columns that are not plain text and numbers: SQLite keeps JSON
 * as text and booleans as 0/1, PostgreSQL's driver returns jsonb and boolean already decoded.
 * Everything else has the same name and type in both stores, so one mapping serves them.
 */
export interface ColumnCoding {
  /** A JSON column's value as read, decoded. */
  json(value: unknown): unknown;
  /** A boolean column's value as read. */
  bool(value: unknown): boolean;
  /** A boolean as the driver binds it. */
  boolParam(value: boolean): unknown;
}

/** Columns that hold JSON: written as JSON text in both stores (pg would send an array as a PostgreSQL array). */
const JSON_WEBHOOK_COLUMNS: ReadonlySet<string> = new Set(['events', 'headers', 'retry_schedule', 'filter', 'auth', 'tls', 'transformation', 'channels'] satisfies (keyof WebhookRow)[]);

export function webhookFromColumns(r: RawRow, decode: ColumnCoding): WebhookRow {
  return {
    id: r.id as string,
    business_id: r.business_id as string,
    name: r.name as string,
    url: r.url as string,
    events: decode.json(r.events) as string[],
    dialect: r.dialect as string,
    enabled: decode.bool(r.enabled),
    headers: decode.json(r.headers) as Record<string, string>,
    timeout_ms: r.timeout_ms as number,
    retry_schedule: r.retry_schedule === null || r.retry_schedule === undefined ? null : (decode.json(r.retry_schedule) as number[]),
    rate_limit: (r.rate_limit as number | null) ?? null,
    max_in_flight: r.max_in_flight as number,
    ordering: r.ordering as WebhookRow['ordering'],
    secret: r.secret as string,
    previous_secret: (r.previous_secret as string | null) ?? null,
    previous_secret_expires_at: (r.previous_secret_expires_at as number | null) ?? null,
    health_state: r.health_state as WebhookRow['health_state'],
    consecutive_failures: r.consecutive_failures as number,
    health_since: (r.health_since as number | null) ?? null,
    health_reason: (r.health_reason as string | null) ?? null,
    created_at: r.created_at as number,
    updated_at: r.updated_at as number,
    // Absent rather than null when there is none, so rows read back equal rows written without one.
    ...(r.filter === null || r.filter === undefined ? {} : { filter: decode.json(r.filter) as FilterDocument }),
    ...endpointColumns(r, decode),
    ...(r.transformation === null || r.transformation === undefined ? {} : { transformation: decode.json(r.transformation) as TransformationSpec }),
    ...(r.channels === null || r.channels === undefined ? {} : { channels: decode.json(r.channels) as string[] }),
  };
}

/** The columns a WebhookSecretsRow is read from. */
export const WEBHOOK_SECRET_COLUMNS = 'id, business_id, updated_at, secret, previous_secret, headers, auth, tls';

export function webhookSecretsFromColumns(r: RawRow, decode: ColumnCoding): WebhookSecretsRow {
  return {
    id: r.id as string,
    business_id: r.business_id as string,
    updated_at: Number(r.updated_at),
    secret: r.secret as string,
    previous_secret: (r.previous_secret as string | null) ?? null,
    headers: decode.json(r.headers) as Record<string, string>,
    ...(r.auth === null || r.auth === undefined ? {} : { auth: decode.json(r.auth) as EndpointAuth }),
    ...(r.tls === null || r.tls === undefined ? {} : { tls: decode.json(r.tls) as EndpointTls }),
  };
}

/** A WebhookSecretsRow's fields as the values rewriting them writes: secret, previous_secret, and headers, auth and tls as JSON text. */
export function webhookSecretsToColumns(r: WebhookSecretsRow): [string, string | null, string, string | null, string | null] {
  return [r.secret, r.previous_secret, JSON.stringify(r.headers), r.auth ? JSON.stringify(r.auth) : null, r.tls ? JSON.stringify(r.tls) : null];
}

/** The endpoint columns of migration 0014, each absent when NULL (rows written before it read back unchanged). */
function endpointColumns(r: RawRow, decode: ColumnCoding): Partial<WebhookRow> {
  const out: Partial<WebhookRow> = {};
  if (r.auth !== null && r.auth !== undefined) out.auth = decode.json(r.auth) as EndpointAuth;
  if (r.tls !== null && r.tls !== undefined) out.tls = decode.json(r.tls) as EndpointTls;
  if (r.verification !== null && r.verification !== undefined) out.verification = r.verification as Verification;
  if (r.verified_url !== null && r.verified_url !== undefined) out.verified_url = r.verified_url as string;
  if (r.verification_error !== null && r.verification_error !== undefined) out.verification_error = r.verification_error as string;
  if (r.tls_expiry_notified !== null && r.tls_expiry_notified !== undefined) out.tls_expiry_notified = Number(r.tls_expiry_notified);
  return out;
}

/**
 * A webhook's fields as column values, in WEBHOOK_COLUMNS order. Only known columns pass: the
 * names end up in SQL, so an unexpected key in the object must not become one.
 */
export function webhookToColumns(w: Partial<WebhookRow>, encode: ColumnCoding): [column: string, value: unknown][] {
  const out: [string, unknown][] = [];
  for (const column of WEBHOOK_COLUMNS) {
    const v = w[column];
    if (v === undefined) continue;
    if (JSON_WEBHOOK_COLUMNS.has(column)) out.push([column, v === null ? null : JSON.stringify(v)]);
    else if (column === 'enabled') out.push([column, encode.boolParam(v as boolean)]);
    else out.push([column, v]);
  }
  return out;
}

/**
 * What an update writes: the patch's fields and `updated_at`. `id`, `business_id` and
 * `created_at` are not patchable, whatever the caller's object holds at run time.
 */
export function webhookPatchColumns(patch: Partial<WebhookRow>, now: number, encode: ColumnCoding): [column: string, value: unknown][] {
  return webhookToColumns({ ...patch, updated_at: now }, encode).filter(([column]) => !UNPATCHABLE_WEBHOOK_COLUMNS.has(column));
}

export function eventTypeFromColumns(r: RawRow, decode: ColumnCoding): EventTypeRow {
  return {
    type: r.type as string,
    description: r.description as string,
    schema: decode.json(r.schema) as Record<string, unknown>,
    example: decode.json(r.example),
    created_at: r.created_at as number,
  };
}
