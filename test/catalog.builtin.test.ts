import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventCatalog, builtinEventTypes, isValidEventTypeName } from '../src/catalog/index.js';

/**
 * The canonical names: every event the five seed documents name, in the vcita entity/action
 * form (docs/catalog.md says which platform contributes which). Written out here so that a
 * type added or dropped by accident fails the test.
 */
const CANONICAL = `
app_subscription/installed app_subscription/uninstalled application/installed application/uninstalled
bulk_import/done business/closed business/created business/deleted business/promotional_blocked
business/updated business_rules_bulk_import/completed channel/status class/created class/updated
client/checked_in client/created client/deleted client/status_changed client/updated
contact_form/created conversation/read conversation_item/created customized_notification/updated
deposit/created document/sent estimate/approved estimate/rejected estimate/requested event/created
event/updated event_attendance/created event_attendance/updated invoice/created invoice/deleted
invoice/issued invoice/paid invoice/updated location/created location/updated matter/delete
matter/recover meeting/cancelled meeting/completed meeting/created meeting/no_show
meeting/reminder_sent meeting/requested meeting/rescheduled meeting/scheduled meeting/updated
message/business_sent_message message/client_sent_message message/sent package/purchased
payment/cancelled payment/matched payment/paid payment/recorded payment/refunded payment/updated
payment_gateways_settings/changed_primary_payment_gateway payment_gateways_settings/connected
payment_gateways_settings/disconnected pivot/updated purchasable_subscription/created
purchasable_subscription/updated purchase/created purchase/refunded review/submitted
service/updated staff/created staff/deactivated staff/deleted staff/reactivated staff/updated
subscription/activated subscription/cancelled subscription/created subscription/deleted
subscription/ended subscription/expired subscription/on_hold subscription/renewed
subscription/renewing subscription/updated tag/add tag/delete transaction/created
voice_call/created voice_calls_settings/updated webhook/test
`.trim().split(/\s+/);

/** Hookline's operational events (docs/reliability.md), built in beside the canonical list. */
const OPERATIONAL = ['hookline/certificate.expiring', 'hookline/delivery.exhausted', 'hookline/webhook.disabled', 'hookline/webhook.failing', 'hookline/webhook.recovered'];

const names = builtinEventTypes.map((d) => d.type);

test('every canonical event type is built in, each exactly once, and nothing else is', () => {
  assert.equal(new Set(names).size, names.length, 'a type is listed twice');
  assert.deepEqual([...names].sort(), [...new Set([...CANONICAL, ...OPERATIONAL])].sort());
});

test('operational event names are valid entity/action names whose action holds a dot', () => {
  const catalog = new EventCatalog();
  for (const type of OPERATIONAL) {
    assert.ok(isValidEventTypeName(type), type);
    assert.ok(catalog.isBuiltin(type), type);
    assert.match(type.split('/')[1]!, /^[a-z]+\.[a-z]+$/);
  }
  assert.deepEqual(catalog.unknownFilters(['hookline/*']), []);
});

test('built-in types are listed sorted by name', () => {
  assert.deepEqual(names, [...names].sort());
  assert.deepEqual(new EventCatalog().list().map((d) => d.type), names);
});

test('every built-in example passes its own schema', () => {
  const catalog = new EventCatalog();
  for (const def of builtinEventTypes) {
    assert.deepEqual(catalog.validate(def.type, def.example), { ok: true }, def.type);
  }
});

test('every built-in schema is an open object schema and every description one sentence', () => {
  for (const def of builtinEventTypes) {
    assert.equal(def.schema['type'], 'object', def.type);
    assert.equal(def.schema['additionalProperties'], true, def.type);
    assert.match(def.description, /^[A-Z][^\n]{20,200}\.$/, def.type);
    assert.equal(def.description.split(/\.\s/).length, 1, `${def.type}: one sentence`);
  }
});

test('built-in definitions are frozen, so no caller can change validation for everyone', () => {
  const def = builtinEventTypes[0]!;
  assert.ok(Object.isFrozen(def) && Object.isFrozen(def.schema) && Object.isFrozen(def.example));
  assert.throws(() => {
    (def.schema as Record<string, unknown>)['type'] = 'array';
  }, TypeError);
});

test('types without a published payload use the permissive schema', () => {
  const def = builtinEventTypes.find((d) => d.type === 'meeting/cancelled')!;
  assert.deepEqual(def.schema, {
    type: 'object',
    properties: { id: { type: ['string', 'integer'] } },
    additionalProperties: true,
  });
});

test('webhook/test data is {webhook_id, message}, both strings and required', () => {
  const catalog = new EventCatalog();
  assert.deepEqual(catalog.validate('webhook/test', { webhook_id: 'wh_1', message: 'hi' }), { ok: true });
  const result = catalog.validate('webhook/test', { webhook_id: 7 });
  assert.equal(result.ok, false);
  assert.deepEqual(
    !result.ok && result.errors.map((e) => e.pointer).sort(),
    ['/', '/webhook_id'],
  );
});
