/** Where an events retention pass stopped: the key of the last event it looked at, in scan order. */
export interface EventPosition {
  created_at: number;
  business_id: string;
  id: string;
}

/** Below every real event: the scan starts here when there is no cursor. */
const START: EventPosition = { created_at: -1, business_id: '', id: '' };

export function encodeEventCursor(p: EventPosition): string {
  return JSON.stringify([p.created_at, p.business_id, p.id]);
}

export function decodeEventCursor(cursor: string | null): EventPosition {
  if (cursor === null) return START;
  const [created_at, business_id, id] = JSON.parse(cursor) as [number, string, string];
  return { created_at, business_id, id };
}
