import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventCatalog, builtinEventTypes } from '../src/catalog/index.js';

const catalog = new EventCatalog();
const props = (type: string): Record<string, Record<string, unknown>> =>
  builtinEventTypes.find((d) => d.type === type)!.schema['properties'] as Record<string, Record<string, unknown>>;

test("client/created and client/updated carry Opus1's client fields with its documented types", () => {
  for (const type of ['client/created', 'client/updated']) {
    const p = props(type);
    for (const f of ['business', 'first_name', 'middle_name', 'last_name', 'email', 'status', 'primary_phone',
      'street', 'zip_code', 'city', 'state', 'country', 'staff_role', 'staff_employee_id']) {
      assert.deepEqual(p[f], { type: 'string' }, `${type} ${f}`);
    }
    assert.deepEqual(p['tags'], { type: 'array', items: { type: 'string' } });
    assert.deepEqual(p['new_member_at'], { type: 'string', format: 'date-time' });
    assert.deepEqual(p['member_lost_at'], { type: 'string', format: 'date-time' });
    assert.deepEqual(p['birthdate'], { type: 'string', format: 'date' });
  }
});

test('client/created also lists Hapana accountCreated and WellnessLiving client fields, none required', () => {
  const def = builtinEventTypes.find((d) => d.type === 'client/created')!;
  const p = props('client/created');
  for (const f of ['clientID', 'siteID', 'firstName', 'joinDate', 'leadSource', 'gender', 'emergencyFirstName',
    'emergencyLastName', 'emergencyEmail', 'emergencyPhone', 'barcodeID', 'address', 'birthDate',
    'customProperties', 'profileImage', 'uid', 's_first_name', 's_last_name', 's_mail', 's_phone', 'dt_add', 'dt_birth']) {
    assert.ok(p[f], `missing ${f}`);
  }
  assert.equal(def.schema['required'], undefined);
  assert.deepEqual(catalog.validate('client/created', {}), { ok: true });
});

test('a client id may be an Opus1 integer or an Upodi GUID string, but not a fraction', () => {
  assert.deepEqual(catalog.validate('client/created', { id: 48213 }), { ok: true });
  assert.deepEqual(catalog.validate('client/created', { id: '0ea627de-158e-48b1-bcbb-7fe6058d191c' }), { ok: true });
  assert.equal(catalog.validate('client/created', { id: 1.5 }).ok, false);
});

test('Hapana and WellnessLiving shaped client payloads pass client/created', () => {
  assert.deepEqual(catalog.validate('client/created', {
    clientID: 771204, siteID: 31, firstName: 'Tom', lastName: 'Brandt', email: 'tom@example.com',
    address: { line1: '1 High St' }, customProperties: [{ name: 'shirt', value: 'M' }],
  }), { ok: true });
  assert.deepEqual(catalog.validate('client/updated', {
    uid: '3020751', s_first_name: 'Ana', s_last_name: 'Ruiz', s_mail: 'ana@example.com', dt_add: '2025-01-02 10:00:00',
  }), { ok: true });
});

test("subscription/created and subscription/updated carry Opus1's subscription fields and types", () => {
  for (const type of ['subscription/created', 'subscription/updated']) {
    const p = props(type);
    assert.deepEqual(p['id'], { type: ['string', 'integer'] });
    assert.deepEqual(p['business'], { type: 'string' });
    assert.deepEqual(p['status'], { type: 'string' });
    for (const f of ['client_id', 'payer_id', 'secondary_payer_id', 'service_id', 'session_id', 'location_id',
      'primary_staff_id', 'replacing_subscription_id', 'replaced_by_subscription_id']) {
      assert.deepEqual(p[f], { type: 'integer' }, `${type} ${f}`);
    }
    for (const f of ['terms_accepted_at', 'created_at', 'ended_at', 'start_at', 'end_at']) {
      assert.deepEqual(p[f], { type: 'string', format: 'date-time' }, `${type} ${f}`);
    }
  }
});

test("Hapana's other four webhooks have their fields and documented value sets", () => {
  assert.deepEqual((props('client/status_changed')['status'] as { enum: string[] }).enum,
    ['introOffer', 'activePackage', 'suspendedMembership', 'inactive']);
  assert.ok(props('client/status_changed')['activePackages']);
  assert.deepEqual((props('package/purchased')['packageType'] as { enum: string[] }).enum, ['sessionpackage', 'membership']);
  assert.deepEqual((props('client/checked_in')['checkInStatus'] as { enum: string[] }).enum, ['Valid', 'Invalid']);
  for (const f of ['checkInTime', 'barcode', 'fobNumber', 'sessionStartTime', 'SessionInstructor']) {
    assert.ok(props('client/checked_in')[f], `checkIn ${f}`);
  }
  for (const f of ['messageId', 'communicationType', 'emailTo', 'emailFrom', 'subject']) {
    assert.ok(props('message/sent')[f], `outboundMessage ${f}`);
  }
});

test('WellnessLiving purchases keep ids and money as strings', () => {
  const good = { text_purchase_id: '1184403', dtl_purchase: '2025-04-12 17:45:03', a_price: { m_total: '89.00', text_currency: 'USD' } };
  assert.deepEqual(catalog.validate('purchase/created', good), { ok: true });
  const bad = catalog.validate('purchase/refunded', { ...good, a_price: { m_total: 89 } });
  assert.deepEqual(bad, { ok: false, errors: [{ pointer: '/a_price/m_total', message: 'must be string' }] });
});
