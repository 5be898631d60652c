import type { EventTypeDefinition } from '../EventTypeDefinition.js';
import { objectSchema } from '../schemas/common.js';
import { packagePurchaseFields, purchaseFields } from '../schemas/canonicalFields.js';
import { permissiveType } from './permissiveType.js';

/** WellnessLiving's purchase topics share one shape. */
const purchaseSchema = objectSchema(purchaseFields);

const payment = { id: 'pay_9e21', client_id: 'cl_52e9d1', amount: 75, currency: 'USD', method: 'card' };

/** Money coming in or going back: payments, gateways, purchases (vcita, WellnessLiving, Hapana). */
export const paymentTypes: EventTypeDefinition[] = [
  permissiveType(
    'payment/paid',
    'Fires when the business receives money from a client through an online payment.',
    payment,
  ),
  permissiveType(
    'payment/recorded',
    'Fires when staff log a payment taken outside the platform, such as cash or a bank transfer.',
    { ...payment, method: 'cash' },
  ),
  permissiveType(
    'payment/matched',
    'Fires when a received payment is linked to the invoice or booking it pays for.',
    { ...payment, invoice_id: 'inv_33a1' },
  ),
  permissiveType(
    'payment/updated',
    'Fires after the amount, method or other details of a recorded payment are edited.',
    payment,
  ),
  permissiveType(
    'payment/cancelled',
    'Fires when a pending or recorded payment is voided before it settles.',
    payment,
  ),
  permissiveType(
    'payment/refunded',
    'Fires when money from an earlier payment is returned to the client, in full or in part.',
    { ...payment, refunded_amount: 75 },
  ),
  permissiveType(
    'payment_gateways_settings/connected',
    'Fires when the business links a payment gateway account so it can take card payments.',
    { id: 'gw_stripe_01', gateway: 'stripe' },
  ),
  permissiveType(
    'payment_gateways_settings/disconnected',
    'Fires when the business unlinks one of its payment gateway accounts.',
    { id: 'gw_stripe_01', gateway: 'stripe' },
  ),
  permissiveType(
    'payment_gateways_settings/changed_primary_payment_gateway',
    'Fires when the business switches which connected gateway processes its payments by default.',
    { id: 'gw_square_02', gateway: 'square', previous_gateway: 'stripe' },
  ),
  {
    type: 'purchase/created',
    description: 'Fires when a client buys something from the business: a pass, membership, product or gift card.',
    schema: purchaseSchema,
    example: { id: '1184403', client_id: '3020751', location_id: '2114', purchased_at: '2025-04-12 17:45:03', amount: 89, currency: 'USD' },
  },
  {
    type: 'purchase/refunded',
    description: 'Fires when an earlier purchase is refunded to the client.',
    schema: purchaseSchema,
    example: { id: '1184403', client_id: '3020751', location_id: '2114', purchased_at: '2025-04-12 17:45:03', amount: 89, currency: 'USD' },
  },
  {
    type: 'package/purchased',
    description: 'Fires when a client buys a membership or a pack of sessions.',
    schema: objectSchema(packagePurchaseFields),
    example: {
      id: 'pp_6031_771204',
      client_id: 771204,
      location_id: 31,
      first_name: 'Tom',
      last_name: 'Brandt',
      email: 'tom.brandt@example.com',
      package_id: 6031,
      package_name: '10 Class Pack',
      package_type: 'session_package',
      package_category: 'Class Packs',
      amount: 180,
      currency: 'GBP',
    },
  },
];
