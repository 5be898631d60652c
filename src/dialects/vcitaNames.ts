import { Vocabulary, splitType } from './Vocabulary.js';

/**
 * vcita's published `entity/event_type` values (seed 003 and its public list), each under
 * the spelling vcita publishes, mapped to the catalogue. Where vcita itself publishes only
 * `create`/`update` for an entity, that spelling is the name; elsewhere the past tense is.
 */
const published: readonly string[] = [
  'business/closed', 'business/created', 'business/deleted', 'business/promotional_blocked', 'business/updated',
  'app_subscription/installed', 'app_subscription/uninstalled', 'application/installed', 'application/uninstalled',
  'meeting/cancelled', 'meeting/completed', 'meeting/created', 'meeting/no_show', 'meeting/reminder_sent',
  'meeting/requested', 'meeting/rescheduled', 'meeting/scheduled',
  'bulk_import/done', 'business_rules_bulk_import/completed', 'channel/status',
  'client/created', 'client/updated', 'contact_form/created', 'conversation/read', 'conversation_item/created',
  'customized_notification/update', 'deposit/created', 'document/sent',
  'estimate/approved', 'estimate/rejected', 'estimate/requested',
  'event/created', 'event/updated', 'event_attendance/created', 'event_attendance/updated',
  'invoice/issued', 'invoice/updated', 'matter/delete', 'matter/recover',
  'message/business_sent_message', 'message/client_sent_message',
  'payment/cancelled', 'payment/matched', 'payment/paid', 'payment/recorded', 'payment/refunded', 'payment/updated',
  'payment_gateways_settings/changed_primary_payment_gateway', 'payment_gateways_settings/connected',
  'payment_gateways_settings/disconnected',
  'pivot/update', 'purchasable_subscription/created', 'purchasable_subscription/updated',
  'subscription/created', 'subscription/updated', 'review/submitted', 'service/updated',
  'staff/created', 'staff/deactivated', 'staff/deleted', 'staff/reactivated', 'staff/updated',
  'tag/add', 'tag/delete', 'voice_call/create', 'voice_calls_settings/update',
  'webhook/test',
];

/** vcita's entity aliases: each pair names one entity (003, public docs). */
export const VCITA_ENTITY_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  lead: 'client',
  account: 'business',
  appointment: 'meeting',
  engagement: 'matter',
});

/** vcita uses both spellings of these for one event. */
const ACTION_ALIASES: Readonly<Record<string, string>> = Object.freeze({ create: 'created', update: 'updated' });

export const vcitaEntity = (entity: string): string => VCITA_ENTITY_ALIASES[entity] ?? entity;
export const vcitaAction = (action: string): string => ACTION_ALIASES[action] ?? action;

/** The catalogue spelling of a vcita name: aliases folded, past tense. */
export function foldVcitaName(name: string): string {
  const [entity, action] = splitType(name);
  return `${vcitaEntity(entity)}/${vcitaAction(action)}`;
}

export const vcitaNames = new Vocabulary(published.map((name) => [name, foldVcitaName(name)] as const));

/** `entity/event_type` as vcita spells it: lowercase parts of letters, digits and `_`. */
export const VCITA_EVENT_FORMAT = /^[a-z][a-z0-9_]*\/[a-z][a-z0-9_]*$/;

/** The catalogue type for any accepted vcita spelling (aliases included), or null. */
export function vcitaCatalogType(name: string): string | null {
  if (!VCITA_EVENT_FORMAT.test(name)) return null;
  const folded = foldVcitaName(name);
  return vcitaNames.nameOf(folded) === null ? null : folded;
}
