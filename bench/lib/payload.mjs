// What every system sends: an event of ~1 KB, and the Standard Webhooks body Hookline renders
// for it, so the baselines put the same bytes on the wire as Hookline does.
import { createHmac } from 'node:crypto';

/** A client record as a studio's software would publish it, padded to about 1 KB. */
export const eventData = Object.freeze({
  id: 48213,
  first_name: 'Maya',
  last_name: 'Okafor',
  email: 'maya.okafor@example.com',
  status: 'active',
  tags: ['intro-offer', 'newsletter'],
  new_member_at: '2025-03-02T09:15:00Z',
  primary_phone: '+1 415 555 0142',
  street: '12 Pier Road',
  zip_code: '94107',
  city: 'San Francisco',
  state: 'CA',
  country: 'US',
  birthdate: '1991-07-19',
  notes: 'Prefers morning classes; referred by a friend. '.repeat(14).trim(),
});

export const eventDataJson = JSON.stringify(eventData);

/** The type each bench webhook subscribes to: webhook n receives the events of type n. */
export const eventType = (n) => `bench/e${n}`;

/** The body of Hookline's `standard` dialect, built the same way (data spliced in as text). */
export function standardBody(id, type, business, occurredAt) {
  return `{"id":${JSON.stringify(id)},"type":${JSON.stringify(type)},"business":${JSON.stringify(business)},"timestamp":"${new Date(occurredAt).toISOString()}","data":${eventDataJson}}`;
}

/** `v1,<base64 HMAC-SHA256 of id.timestamp.body>`: what a team's worker would sign with. */
export function standardSignature(keyBytes, id, timestamp, body) {
  return `v1,${createHmac('sha256', keyBytes).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}
