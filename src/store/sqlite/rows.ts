export { deliveryFromRow } from '../deliveryFromRow.js';
export type { RawRow } from '../columnCoding.js';
import type { EventTypeRow, WebhookRow } from '../Store.js';
import { eventTypeFromColumns, webhookFromColumns, type ColumnCoding, type RawRow } from '../columnCoding.js';

/** SQLite keeps booleans as 0/1 and JSON as text. */
export const COLUMN_CODING: ColumnCoding = {
  json: (v) => JSON.parse(v as string),
  bool: (v) => v === 1,
  boolParam: (v) => (v ? 1 : 0),
};

export const webhookFromRow = (r: RawRow): WebhookRow => webhookFromColumns(r, COLUMN_CODING);

export const eventTypeFromRow = (r: RawRow): EventTypeRow => eventTypeFromColumns(r, COLUMN_CODING);
