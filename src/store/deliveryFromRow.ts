import type { DeliveryRow, NewDelivery, NewEvent } from './Store.js';

/** Both stores return delivery columns with the same names and types (BIGINT times arrive as numbers), so one mapping serves them. */
export function deliveryFromRow(r: Record<string, unknown>): DeliveryRow {
  return {
    id: r.id as string,
    business_id: r.business_id as string,
    event_id: r.event_id as string,
    webhook_id: r.webhook_id as string,
    event_type: r.event_type as string,
    status: r.status as DeliveryRow['status'],
    attempt_count: r.attempt_count as number,
    next_attempt_at: (r.next_attempt_at as number | null) ?? null,
    last_status_code: (r.last_status_code as number | null) ?? null,
    lease_owner: (r.lease_owner as string | null) ?? null,
    created_at: r.created_at as number,
    updated_at: r.updated_at as number,
  };
}

/** The row a freshly published delivery has, without reading it back from the store. */
export function newDeliveryRow(event: NewEvent, d: NewDelivery): DeliveryRow {
  return {
    id: d.id,
    business_id: event.business_id,
    event_id: event.id,
    webhook_id: d.webhook_id,
    event_type: event.type,
    status: 'pending',
    attempt_count: 0,
    next_attempt_at: d.next_attempt_at,
    last_status_code: null,
    lease_owner: d.lease_owner,
    created_at: event.created_at,
    updated_at: event.created_at,
  };
}
