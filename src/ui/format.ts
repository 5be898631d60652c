/** Times and numbers as people read them; the exact ISO time is always in the title attribute. */

export function ago(iso: string | null, now = Date.now()): string {
  if (!iso) return '—';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (s < -5) return `in ${span(-s)}`;
  if (s < 5) return 'just now';
  return `${span(s)} ago`;
}

export function span(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.round(seconds / 360) / 10} h`;
  return `${Math.round(seconds / 8640) / 10} d`;
}

export function ms(n: number): string {
  return n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(n < 10_000 ? 2 : 1)} s`;
}

export function clock(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Indents compact JSON for reading. Text that would not survive a parse unchanged is shown as
 * it came: Upodi's `Time` is an integer above 2^53 that JSON.parse rounds, and a body that is
 * not compact JSON is worth seeing exactly.
 */
export function prettyBody(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    return JSON.stringify(value) === text ? JSON.stringify(value, null, 2) : text;
  } catch {
    return text;
  }
}

export function retryLabel(schedule: number[] | null): string {
  if (schedule === null) return 'Default: retries with backoff for up to 3 days';
  if (schedule.length === 0) return 'Fire and forget: one attempt, no retries';
  return `Custom: ${schedule.length} retries after ${schedule.map((s) => span(s)).join(', ')}`;
}

export const DIALECTS: Record<string, string> = {
  standard: 'Standard Webhooks (default): webhook-id, webhook-timestamp, webhook-signature headers',
  opus1: 'Opus1.io: the resource object, X-Opus1-Trigger and X-Opus1-Signature headers',
  upodi: 'Upodi v1: {ID, Time, Signature, Action, Issuer, Data, Type} envelope',
  hapana: 'Hapana: {eventType, eventId, createdAt, data}, X-Hapana-Signature',
  wellnessliving: 'WellnessLiving: the resource plus meta_data, x-topic and x-signature-256',
  vcita: 'vcita: {entity_name, event_type, data}, X-Vcita-Signature',
  svix: 'Svix: the payload as sent, svix-id, svix-timestamp and svix-signature headers',
};
