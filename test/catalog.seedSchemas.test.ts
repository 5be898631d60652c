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

test('client/created names each field once, in snake_case, nothing required (issue 11)', () => {
  const def = builtinEventTypes.find((d) => d.type === 'client/created')!;
  const p = props('client/created');
  for (const f of ['location_id', 'created_at', 'lead_source', 'gender', 'emergency_contact', 'barcode_id', 'profile_image_url', 'custom_properties']) {
    assert.ok(p[f], `missing ${f}`);
  }
  for (const f of Object.keys(p)) assert.match(f, /^[a-z][a-z0-9_]*$/, `${f} is not snake_case`);
  assert.equal(def.schema['required'], undefined);
  assert.deepEqual(catalog.validate('client/created', {}), { ok: true });
});

test('a client id may be an Opus1 integer or an Upodi GUID string, but not a fraction', () => {
  assert.deepEqual(catalog.validate('client/created', { id: 48213 }), { ok: true });
  assert.deepEqual(catalog.validate('client/created', { id: '0ea627de-158e-48b1-bcbb-7fe6058d191c' }), { ok: true });
  assert.equal(catalog.validate('client/created', { id: 1.5 }).ok, false);
});

test('payloads published in a platform\'s own field names still pass, as extra properties (issue 11 migration)', () => {
  assert.deepEqual(catalog.validate('client/created', {
    clientID: 771204, siteID: 31, firstName: 'Tom', lastName: 'Brandt', email: 'tom@example.com',
    address: { line1: '1 High St' }, customProperties: [{ name: 'shirt', value: 'M' }],
  }), { ok: true });
  assert.deepEqual(catalog.validate('client/updated', {
    uid: '3020751', s_first_name: 'Ana', s_last_name: 'Ruiz', s_mail: 'ana@example.com', dt_add: '2025-01-02 10:00:00',
  }), { ok: true });
  assert.deepEqual(catalog.validate('client/checked_in', { clientID: 771204, checkInStatus: 'Valid' }), { ok: true });
  assert.deepEqual(catalog.validate('purchase/created', { text_purchase_id: '1184403', a_price: { m_total: '89.00' } }), { ok: true });
});

test("subscription/created and subscription/updated carry Opus1's subscription fields and types", () => {
  for (const type of ['subscription/created', 'subscription/updated']) {
    const p = props(type);
    assert.deepEqual(p['id'], { type: ['string', 'integer'] });
    assert.deepEqual(p['business'], { type: 'string' });
    assert.deepEqual(p['status'], { type: 'string' });
    for (const f of ['client_id', 'payer_id', 'secondary_payer_id', 'service_id', 'session_id', 'location_id',
      'primary_staff_id', 'replacing_subscription_id', 'replaced_by_subscription_id']) {
      // Opus1's integers, widened so Upodi's GUIDs fit; the opus1 dialect refuses a delivery that is not one.
      assert.deepEqual(p[f], { type: ['string', 'integer'] }, `${type} ${f}`);
    }
    for (const f of ['terms_accepted_at', 'created_at', 'ended_at', 'start_at', 'end_at']) {
      assert.deepEqual(p[f], { type: 'string', format: 'date-time' }, `${type} ${f}`);
    }
  }
});

test("Hapana's value sets are canonical snake_case values the hapana dialect spells its way", () => {
  assert.deepEqual((props('client/status_changed')['membership_status'] as { enum: string[] }).enum,
    ['intro_offer', 'active_package', 'suspended_membership', 'inactive']);
  assert.ok(props('client/status_changed')['active_packages']);
  assert.deepEqual((props('package/purchased')['package_type'] as { enum: string[] }).enum, ['session_package', 'membership']);
  assert.deepEqual((props('client/checked_in')['check_in_status'] as { enum: string[] }).enum, ['valid', 'invalid']);
  assert.deepEqual((props('message/sent')['channel'] as { enum: string[] }).enum, ['sms', 'email']);
  for (const type of ['package/purchased', 'client/checked_in', 'message/sent']) assert.ok(props(type)['client_id'], `${type} client_id`);
});

test('purchases take money as a number or a decimal string', () => {
  assert.deepEqual(catalog.validate('purchase/created', { id: '1184403', amount: 89, currency: 'USD' }), { ok: true });
  assert.deepEqual(catalog.validate('purchase/created', { id: 1184403, amount: '89.00' }), { ok: true });
  assert.deepEqual(catalog.validate('purchase/refunded', { amount: true }), { ok: false, errors: [{ pointer: '/amount', message: 'must be number or string' }] });
});
