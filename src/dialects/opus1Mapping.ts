import type { FieldRule, MappingTable } from './fieldMapping.js';

/*
 * Opus1.io's payloads (document 000) are the catalogue's own client and subscription shapes,
 * so the opus1 body is `data` exactly as published. What 000 documents more narrowly than the
 * catalogue is its ids: integers. This table lists them; a delivery whose id is anything else
 * (a UUID) fails as `unrepresentable` instead of breaking the receiver's parser.
 */

const integer = (field: string): FieldRule => ({ field, from: [field], as: 'integer' });

const subscriptionIds: readonly FieldRule[] = [
  'id', 'client_id', 'payer_id', 'secondary_payer_id', 'service_id', 'session_id', 'location_id',
  'primary_staff_id', 'replacing_subscription_id', 'replaced_by_subscription_id',
].map(integer);

const clientIds: readonly FieldRule[] = [integer('id')];

export const opus1Mapping: MappingTable = {
  'client/created': clientIds,
  'client/updated': clientIds,
  'subscription/created': subscriptionIds,
  'subscription/updated': subscriptionIds,
};
