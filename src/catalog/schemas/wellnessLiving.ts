import { looseText, text } from './common.js';

/*
 * Field names from WellnessLiving's webhook examples (seed 004, public docs). WellnessLiving
 * sends ids and money as strings, and its `dt_`/`dtl_` values are its own date strings
 * (`dtl_` is local time), so those are strings without an enforced format.
 * `meta_data` is not part of `data`: the WellnessLiving dialect adds it to the body.
 */

export const wellnessLivingClientProperties = {
  uid: text,
  s_first_name: text,
  s_last_name: text,
  s_mail: text,
  s_phone: text,
  dt_add: looseText('When the client was added (WellnessLiving date-time string).'),
  dt_birth: looseText('Date of birth (WellnessLiving date string).'),
} as const;

export const wellnessLivingPurchaseProperties = {
  text_purchase_id: text,
  dtl_purchase: looseText('When the purchase happened, in the location\'s local time.'),
  a_price: {
    type: 'object',
    properties: {
      m_total: looseText('Amount as a decimal string, e.g. "49.00".'),
      text_currency: looseText('ISO 4217 currency code, e.g. "USD".'),
    },
    additionalProperties: true,
  },
} as const;
