import { anyId, date, dateTime, enumOf, looseText, stringList, text } from './common.js';
import type { JsonSchema } from '../EventTypeDefinition.js';

/*
 * The catalogue's canonical field sets: one name per idea across every type, snake_case,
 * and every field some dialect translates (src/dialects/*Mapping.ts). Where a seed platform
 * documents a type, the field keeps that type (Opus1's `date-time`, `date`, string `tags`);
 * ids are integers or strings everywhere, because Opus1 uses integers and Upodi, vcita and
 * WellnessLiving use strings. A dialect whose platform documents a narrower type refuses
 * the one delivery that does not fit, never the publish (docs/dialects.md).
 */

/** The client a payload is about, where the client is not the resource itself. */
const clientRef = {
  client_id: anyId,
  location_id: anyId,
  first_name: text,
  last_name: text,
  email: text,
  primary_phone: text,
} as const;

const customProperties: JsonSchema = {
  type: ['object', 'array'],
  description: "The business's own extra client properties; their shape is the business's.",
};

/** A client record: Opus1's documented client, plus what Hapana and WellnessLiving send. */
export const clientFields = {
  id: anyId,
  business: text,
  location_id: anyId,
  first_name: text,
  middle_name: text,
  last_name: text,
  email: text,
  status: text,
  tags: stringList,
  created_at: dateTime,
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
  lead_source: text,
  gender: text,
  emergency_contact: {
    type: 'object',
    properties: { first_name: text, last_name: text, email: text, phone: text },
    additionalProperties: true,
  },
  barcode_id: anyId,
  profile_image_url: text,
  custom_properties: customProperties,
} as const;

const packageFields = {
  package_id: anyId,
  package_name: text,
  package_category: text,
} as const;

/** A client whose membership standing moved (Hapana's `clientStatusChange`). */
export const clientStatusFields = {
  id: anyId,
  location_id: anyId,
  first_name: text,
  last_name: text,
  email: text,
  primary_phone: text,
  membership_status: enumOf(['intro_offer', 'active_package', 'suspended_membership', 'inactive']),
  active_packages: { type: 'array', items: { type: 'object', properties: packageFields, additionalProperties: true } },
} as const;

/** One check-in; `client_id` is who checked in. */
export const checkInFields = {
  id: anyId,
  ...clientRef,
  checked_in_at: dateTime,
  barcode_id: anyId,
  fob_number: text,
  package_id: anyId,
  package_name: text,
  check_in_status: enumOf(['valid', 'invalid']),
  check_in_message: text,
  session_id: anyId,
  session_type: text,
  session_name: text,
  session_start_at: dateTime,
  session_instructor: text,
  custom_properties: customProperties,
} as const;

/** A membership or session pack bought by `client_id`. */
export const packagePurchaseFields = {
  id: anyId,
  ...clientRef,
  ...packageFields,
  package_type: enumOf(['session_package', 'membership']),
  amount: { type: ['number', 'string'], description: 'Price paid; a number, or a decimal string such as "49.00".' },
  currency: looseText('ISO 4217 currency code, e.g. "USD".'),
} as const;

/** An automatic message sent to `client_id`. */
export const sentMessageFields = {
  id: anyId,
  ...clientRef,
  channel: enumOf(['sms', 'email']),
  message: text,
  subject: text,
  email_to: text,
  email_from: text,
} as const;

/** A purchase (WellnessLiving's `purchase.*` topics). */
export const purchaseFields = {
  id: anyId,
  client_id: anyId,
  location_id: anyId,
  purchased_at: looseText("When the purchase happened: ISO 8601, or the location's local time."),
  amount: { type: ['number', 'string'], description: 'Total paid; a number, or a decimal string such as "49.00".' },
  currency: looseText('ISO 4217 currency code, e.g. "USD".'),
} as const;

/** Opus1's documented subscription, ids widened to strings as well. */
export const subscriptionFields = {
  id: anyId,
  business: text,
  status: text,
  client_id: anyId,
  payer_id: anyId,
  secondary_payer_id: anyId,
  service_id: anyId,
  session_id: anyId,
  location_id: anyId,
  primary_staff_id: anyId,
  terms_accepted_at: dateTime,
  created_at: dateTime,
  ended_at: dateTime,
  start_at: dateTime,
  end_at: dateTime,
  replacing_subscription_id: anyId,
  replaced_by_subscription_id: anyId,
} as const;

export const invoiceFields = {
  id: anyId,
  client_id: anyId,
  number: text,
  status: text,
  total: { type: ['number', 'string'] },
  amount_paid: { type: ['number', 'string'] },
  currency: text,
} as const;

export const transactionFields = {
  id: anyId,
  client_id: anyId,
  status: text,
  amount: { type: ['number', 'string'] },
  currency: text,
} as const;
