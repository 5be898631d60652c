import type { EventTypeDefinition } from '../EventTypeDefinition.js';
import { objectSchema } from '../schemas/common.js';
import { subscriptionFields } from '../schemas/canonicalFields.js';
import { permissiveType } from './permissiveType.js';

/**
 * Opus1 documents the subscription payload; Upodi and vcita send the same two events with
 * string ids and no documented fields, hence `id` as integer or string and nothing required.
 */
const subscriptionSchema = objectSchema(subscriptionFields);

/** Upodi subscription lifecycle steps: its payload is the subscription's GUID. */
const upodiExample = { id: 'c3b7e0f2-5d1a-4c4e-9f0b-2a6d8e1f7b90' };

export const subscriptionTypes: EventTypeDefinition[] = [
  {
    type: 'subscription/created',
    description: 'Fires when a client is signed up to a new recurring subscription or membership.',
    schema: subscriptionSchema,
    example: {
      business: 'harbour-yoga',
      id: 90211,
      status: 'active',
      client_id: 48213,
      payer_id: 48213,
      service_id: 12,
      location_id: 3,
      primary_staff_id: 7,
      terms_accepted_at: '2025-03-02T09:20:41Z',
      created_at: '2025-03-02T09:20:41Z',
      start_at: '2025-03-03T00:00:00Z',
      end_at: '2026-03-02T23:59:59Z',
    },
  },
  {
    type: 'subscription/updated',
    description: 'Fires after the terms, dates, payers or status of an existing subscription change.',
    schema: subscriptionSchema,
    example: {
      business: 'harbour-yoga',
      id: 90211,
      status: 'ended',
      client_id: 48213,
      ended_at: '2025-09-30T23:59:59Z',
      replaced_by_subscription_id: 90876,
    },
  },
  { type: 'subscription/deleted', description: 'Fires when a subscription record is removed outright rather than ended.', schema: subscriptionSchema, example: upodiExample },
  { type: 'subscription/cancelled', description: 'Fires when a subscription is cancelled, by the customer or by staff.', schema: subscriptionSchema, example: upodiExample },
  { type: 'subscription/activated', description: 'Fires when a subscription becomes active.', schema: subscriptionSchema, example: upodiExample },
  { type: 'subscription/renewing', description: 'Fires when a fixed-term subscription enters its renewal step (evergreen plans never do).', schema: subscriptionSchema, example: upodiExample },
  { type: 'subscription/renewed', description: 'Fires when a fixed-term subscription has finished renewing into a new term.', schema: subscriptionSchema, example: upodiExample },
  { type: 'subscription/ended', description: 'Fires when a subscription reaches its end and stops running.', schema: subscriptionSchema, example: upodiExample },
  { type: 'subscription/on_hold', description: 'Fires when a subscription is paused (put on hold) without being cancelled.', schema: subscriptionSchema, example: upodiExample },
  { type: 'subscription/expired', description: 'Fires when a subscription lapses because its term ran out without renewal.', schema: subscriptionSchema, example: upodiExample },
  permissiveType(
    'purchasable_subscription/created',
    'Fires when the business adds a new subscription plan that clients can buy.',
    { id: 'ps_4f2a', name: 'Monthly coaching', price: 120, currency: 'USD', interval: 'month' },
  ),
  permissiveType(
    'purchasable_subscription/updated',
    'Fires when a subscription plan offered for sale is edited, for example its price or billing interval.',
    { id: 'ps_4f2a', name: 'Monthly coaching', price: 135, currency: 'USD', interval: 'month' },
  ),
];
