import type { FieldRule, MappingTable } from './fieldMapping.js';

/*
 * WellnessLiving's field names (document 004, public examples) for the resources it shows:
 * clients and purchases. It sends ids and money as strings. Its other topics (appointments,
 * classes, locations, staff, the business) have no public field list, so they carry the
 * catalogue's data as published.
 */

const text = (field: string, ...from: string[]): FieldRule => ({ field, from, as: 'string' });

const client: readonly FieldRule[] = [
  text('uid', 'id'),
  text('s_first_name', 'first_name'),
  text('s_last_name', 'last_name'),
  text('s_mail', 'email'),
  text('s_phone', 'primary_phone'),
  text('dt_add', 'created_at'),
  text('dt_birth', 'birthdate'),
];

const purchase: readonly FieldRule[] = [
  text('text_purchase_id', 'id'),
  text('uid', 'client_id'),
  text('k_location', 'location_id'),
  text('dtl_purchase', 'purchased_at'),
  { field: 'a_price.m_total', from: ['amount'], as: 'money' },
  text('a_price.text_currency', 'currency'),
];

export const wellnessLivingMapping: MappingTable = {
  'client/created': client,
  'client/updated': client,
  'purchase/created': purchase,
  'purchase/refunded': purchase,
};
