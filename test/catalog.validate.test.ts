import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventCatalog, describeErrors } from '../src/catalog/index.js';
import { HooklineError } from '../src/errors.js';

const catalog = new EventCatalog();

test('schema violations come back as JSON pointers into data', () => {
  const result = catalog.validate('client/created', {
    first_name: 42,
    tags: ['ok', 7],
    new_member_at: 'yesterday',
    birthdate: '1991-02-30',
  });
  assert.equal(result.ok, false);
  assert.deepEqual(!result.ok && result.errors, [
    { pointer: '/first_name', message: 'must be string' },
    { pointer: '/tags/1', message: 'must be string' },
    { pointer: '/new_member_at', message: 'must match format "date-time"' },
    { pointer: '/birthdate', message: 'must match format "date"' },
  ]);
});

test('a missing required property points at its parent, the root being "/"', () => {
  const result = catalog.validate('webhook/test', { message: 'hello' });
  assert.deepEqual(result, { ok: false, errors: [{ pointer: '/', message: "must have required property 'webhook_id'" }] });
});

test('messages name the allowed values and types', () => {
  const result = catalog.validate('client/status_changed', { id: 1, membership_status: 'frozen', location_id: 2.5 });
  assert.equal(result.ok, false);
  const messages = !result.ok ? result.errors.map((e) => `${e.pointer} ${e.message}`) : [];
  assert.ok(messages.includes('/location_id must be string or integer'), messages.join('\n'));
  assert.ok(messages.some((m) => m.startsWith('/membership_status must be equal to one of the allowed values: "intro_offer"')));
});

test('data must be a JSON object, even where the schema would let anything through', () => {
  for (const data of [null, [], 'text', 3, undefined]) {
    assert.deepEqual(catalog.validate('meeting/cancelled', data), {
      ok: false,
      errors: [{ pointer: '/', message: 'must be object' }],
    });
  }
});

test('validating an unknown type throws UNKNOWN_EVENT_TYPE', () => {
  assert.throws(() => catalog.validate('client/exploded', {}), (e: unknown) =>
    e instanceof HooklineError && e.code === 'UNKNOWN_EVENT_TYPE' && e.message.includes('client/exploded'));
});

test('describeErrors makes one sentence with data-relative paths', () => {
  const sentence = describeErrors([
    { pointer: '/first_name', message: 'must be string' },
    { pointer: '/', message: "must have required property 'id'" },
  ]);
  assert.equal(sentence, "data/first_name must be string; data must have required property 'id'");
  assert.equal(catalog.describeErrors([{ pointer: '/', message: 'must be object' }]), 'data must be object');
});

test('describeErrors caps long lists and says how many it left out', () => {
  const errors = Array.from({ length: 14 }, (_, i) => ({ pointer: `/f${i}`, message: 'must be string' }));
  assert.match(describeErrors(errors), /data\/f9 must be string; and 4 more$/);
});

test('assertValid throws EVENT_DATA_INVALID carrying the errors for problem+json', () => {
  assert.doesNotThrow(() => catalog.assertValid('webhook/test', { webhook_id: 'wh_1', message: 'hi' }));
  assert.throws(() => catalog.assertValid('webhook/test', { webhook_id: 'wh_1' }), (e: unknown) => {
    assert.ok(e instanceof HooklineError);
    assert.equal(e.code, 'EVENT_DATA_INVALID');
    assert.equal(e.status, 422);
    assert.deepEqual(e.extensions['errors'], [{ pointer: '/', message: "must have required property 'message'" }]);
    assert.match(e.message, /data must have required property 'message'/);
    return true;
  });
});

test('validators are compiled once and reused, so errors from one call do not leak into the next', () => {
  assert.equal(catalog.validate('client/created', { first_name: 1 }).ok, false);
  assert.deepEqual(catalog.validate('client/created', { first_name: 'Maya' }), { ok: true });
});
