import { dateTime, date, integerId, stringList, text } from './common.js';

/*
 * Field sets from Opus1.io's client and subscription payloads (seed document 000), with the
 * types it documents. `id` is left out here: the canonical types that use these fields are
 * shared with platforms whose ids are strings, so the type's schema declares `id` itself.
 */

export const opus1ClientProperties = {
  business: text,
  first_name: text,
  middle_name: text,
  last_name: text,
  email: text,
  status: text,
  tags: stringList,
  new_member_at: dateTime,
  member_lost_at: dateTime,
  primary_phone: text,
  street: text,
  zip_code: text,
  city: text,
  state: text,
  country: text,
  birthdate: date,
  staff_role: text,
  staff_employee_id: text,
} as const;

export const opus1SubscriptionProperties = {
  business: text,
  status: text,
  client_id: integerId,
  payer_id: integerId,
  secondary_payer_id: integerId,
  service_id: integerId,
  session_id: integerId,
  location_id: integerId,
  primary_staff_id: integerId,
  terms_accepted_at: dateTime,
  created_at: dateTime,
  ended_at: dateTime,
  start_at: dateTime,
  end_at: dateTime,
  replacing_subscription_id: integerId,
  replaced_by_subscription_id: integerId,
} as const;
