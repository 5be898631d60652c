export { deliveryFromRow } from '../deliveryFromRow.js';
export { columnList, DELIVERY_COLUMNS, WEBHOOK_COLUMNS } from '../columns.js';
export type { RawRow } from '../columnCoding.js';
import type { AttemptRow, BusinessRow, EventRow, EventTypeRow, WebhookRow } from '../Store.js';
import { eventTypeFromColumns, webhookFromColumns, type ColumnCoding, type RawRow } from '../columnCoding.js';

/**
 * pg already gives booleans, parsed `json` and (with our int8 parser) numbers; these pick the
 * Store's fields out of a row so both stores return objects of exactly the same shape.
 */
export const COLUMN_CODING: ColumnCoding = {
  json: (v) => v,
  bool: (v) => v as boolean,
  boolParam: (v) => v,
};

export const webhookFromRow = (r: RawRow): WebhookRow => webhookFromColumns(r, COLUMN_CODING);

export const eventTypeFromRow = (r: RawRow): EventTypeRow => eventTypeFromColumns(r, COLUMN_CODING);

export function eventFromRow(r: RawRow): EventRow {
  return {
    business_id: r.business_id as string,
    id: r.id as string,
    type: r.type as string,
    data: r.data as string,
    occurred_at: r.occurred_at as number,
    created_at: r.created_at as number,
  };
}

/** An attempt as json_agg hands it back: its times arrive as JSON numbers. */
export function attemptFromJson(r: RawRow): AttemptRow {
  return {
    delivery_id: r.delivery_id as string,
    number: r.number as number,
    started_at: r.started_at as number,
    duration_ms: r.duration_ms as number,
    status_code: (r.status_code as number | null) ?? null,
    error: (r.error as string | null) ?? null,
    response_body: (r.response_body as string | null) ?? null,
    ...(r.transformation_version === null || r.transformation_version === undefined ? {} : { transformation_version: r.transformation_version as number }),
  };
}

export function businessFromRow(r: RawRow): BusinessRow {
  return { id: r.id as string, name: r.name as string, created_at: r.created_at as number };
}
