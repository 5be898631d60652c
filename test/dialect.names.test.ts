import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventCatalog } from '../src/catalog/index.js';
import { dialectNames, findDialect } from '../src/dialects/index.js';
import { toFiletime, uuidV5 } from '../src/dialects/upodiIds.js';
import { withFields } from '../src/dialects/dataJson.js';

/** Each seed platform's own event names and the catalogue types they map to (docs/dialects.md). */
const mappings: Record<string, Record<string, string>> = {
  opus1: {
    client_create_trigger: 'client/created',
    client_update_trigger: 'client/updated',
    subscription_create_trigger: 'subscription/created',
    subscription_update_trigger: 'subscription/updated',
  },
  upodi: {
    'Customer.create': 'client/created', 'Customer.update': 'client/updated', 'Customer.delete': 'client/deleted',
    'Subscription.create': 'subscription/created', 'Subscription.update': 'subscription/updated',
    'Subscription.delete': 'subscription/deleted', 'Subscription.cancel': 'subscription/cancelled',
    'Subscription.activated': 'subscription/activated', 'Subscription.renewing': 'subscription/renewing',
    'Subscription.renewed': 'subscription/renewed', 'Subscription.ended': 'subscription/ended',
    'Subscription.hold': 'subscription/on_hold', 'Subscription.expire': 'subscription/expired',
    'Invoice.create': 'invoice/created', 'Invoice.update': 'invoice/updated', 'Invoice.delete': 'invoice/deleted',
    'Invoice.paid': 'invoice/paid', 'Transaction.create': 'transaction/created',
  },
  hapana: {
    outboundMessage: 'message/sent', accountCreated: 'client/created', clientUpdated: 'client/updated',
    clientStatusChange: 'client/status_changed', packagePurchased: 'package/purchased', checkIn: 'client/checked_in',
  },
  wellnessliving: {
    'appointment.created': 'meeting/created', 'appointment.updated': 'meeting/updated', 'business.updated': 'business/updated',
    'class.created': 'class/created', 'class.updated': 'class/updated', 'client.created': 'client/created',
    'client.updated': 'client/updated', 'location.created': 'location/created', 'location.updated': 'location/updated',
    'purchase.created': 'purchase/created', 'purchase.refunded': 'purchase/refunded', 'staff.created': 'staff/created',
    'staff.updated': 'staff/updated',
  },
};

const catalog = new EventCatalog();

test('every seed platform name maps to its catalogue type and back', () => {
  for (const [dialectName, table] of Object.entries(mappings)) {
    const d = findDialect(dialectName)!;
    for (const [name, type] of Object.entries(table)) {
      assert.equal(d.catalogType(name), type, `${dialectName} ${name}`);
      assert.equal(d.eventName(type), name, `${dialectName} ${type}`);
    }
  }
});

test('every dialect name points at a type the built-in catalogue has', () => {
  for (const name of dialectNames()) {
    for (const [dialectName, type] of findDialect(name)!.eventNames ?? []) assert.ok(catalog.has(type), `${name}: ${dialectName} -> ${type}`);
  }
});

test('a dialect cannot express types outside its platform, nor accept another platform\'s names', () => {
  assert.equal(findDialect('opus1')!.eventName('client/deleted'), null);
  assert.equal(findDialect('opus1')!.catalogType('accountCreated'), null);
  assert.equal(findDialect('hapana')!.eventName('invoice/paid'), null);
  assert.equal(findDialect('upodi')!.catalogType('client_create_trigger'), null);
  assert.equal(findDialect('wellnessliving')!.eventName('client/status_changed'), null);
  assert.equal(findDialect('vcita')!.eventName('package/purchased'), null);
});

test('vcita folds its aliases and both spellings of create and update', () => {
  const v = findDialect('vcita')!;
  assert.equal(v.catalogType('lead/created'), 'client/created');
  assert.equal(v.catalogType('client/create'), 'client/created');
  assert.equal(v.catalogType('account/closed'), 'business/closed');
  assert.equal(v.catalogType('appointment/scheduled'), 'meeting/scheduled');
  assert.equal(v.catalogType('engagement/delete'), 'matter/delete');
  assert.equal(v.catalogType('subscription/update'), 'subscription/updated');
  assert.equal(v.catalogType('voice_call/create'), 'voice_call/created');
  assert.equal(v.eventName('voice_call/created'), 'voice_call/create');
  assert.equal(v.catalogType('client'), null);
  assert.equal(v.catalogType('unicorn/created'), null);
  assert.equal(v.catalogType('Client/Created'), null);
  // All 78 published values are accepted.
  const published = [
    'account/closed', 'account/created', 'account/promotional_blocked', 'account/updated',
    'app_subscription/installed', 'app_subscription/uninstalled', 'application/installed', 'application/uninstalled',
    ...['appointment', 'meeting'].flatMap((e) => ['cancelled', 'completed', 'no_show', 'reminder_sent', 'requested', 'rescheduled', 'scheduled'].map((a) => `${e}/${a}`)),
    'bulk_import/done', 'business/created', 'business/deleted', 'business_rules_bulk_import/completed', 'channel/status',
    'client/created', 'client/updated', 'lead/created', 'contact_form/created', 'conversation/read', 'conversation_item/created',
    'customized_notification/update', 'deposit/created', 'document/sent', 'estimate/approved', 'estimate/rejected', 'estimate/requested',
    'event/created', 'event/updated', 'event_attendance/created', 'event_attendance/updated', 'invoice/issued', 'invoice/updated',
    'matter/delete', 'matter/recover', 'message/business_sent_message', 'message/client_sent_message',
    ...['cancelled', 'matched', 'paid', 'recorded', 'refunded', 'updated'].map((a) => `payment/${a}`),
    'payment_gateways_settings/changed_primary_payment_gateway', 'payment_gateways_settings/connected', 'payment_gateways_settings/disconnected',
    'pivot/update', ...['purchasable_subscription', 'subscription'].flatMap((e) => ['create', 'created', 'update', 'updated'].map((a) => `${e}/${a}`)),
    'review/submitted', 'service/updated', 'staff/created', 'staff/deactivated', 'staff/deleted', 'staff/reactivated', 'staff/updated',
    'tag/add', 'tag/delete', 'voice_call/create', 'voice_calls_settings/update',
  ];
  assert.equal(published.length, 78);
  for (const name of published) assert.ok(v.catalogType(name), name);
});

test('standard speaks the catalogue itself, custom types included', () => {
  const s = findDialect('standard')!;
  assert.equal(s.eventName('class/waitlisted'), 'class/waitlisted');
  assert.equal(s.eventNames, null);
});

test('Upodi Time is Windows FILETIME: document 001\'s example is 2017-10-05 14:57:10 UTC', () => {
  assert.equal(toFiletime(Date.UTC(2017, 9, 5, 14, 57, 10, 86)), 131516890300860000n);
  assert.ok(toFiletime(Date.now()) > BigInt(Number.MAX_SAFE_INTEGER));
});

test('Upodi ID is a version-5 GUID, the same for the same event and different for another', () => {
  const a = uuidV5('harbour-yoga:evt_1');
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(uuidV5('harbour-yoga:evt_1'), a);
  assert.notEqual(uuidV5('harbour-yoga:evt_2'), a);
});

test('WellnessLiving delivers only on 200 and 201; the others on any 2xx', () => {
  const wl = findDialect('wellnessliving')!;
  assert.deepEqual([200, 201, 202, 204, 299, 301].map((s) => wl.isSuccess(s)), [true, true, false, false, false, false]);
  for (const name of ['standard', 'opus1', 'upodi', 'hapana', 'vcita']) {
    assert.deepEqual([200, 202, 204, 301, 500].map((s) => findDialect(name)!.isSuccess(s)), [true, true, true, false, false], name);
  }
});

test('withFields splices into the stored text, and replaces clashing fields', () => {
  assert.equal(withFields('{"id":1,"a":"x"}', { first: { business: 'b' } }), '{"business":"b","id":1,"a":"x"}');
  assert.equal(withFields('{}', { last: { meta_data: { v: 1 } } }), '{"meta_data":{"v":1}}');
  assert.equal(withFields('{"business":"evil","id":1}', { first: { business: 'b' } }), '{"business":"b","id":1}');
});

