import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventCatalog, type EventTypeInput } from '../src/catalog/index.js';
import { HooklineError, type ErrorCode } from '../src/errors.js';

const waitlisted: EventTypeInput = {
  type: 'class/waitlisted',
  description: 'Fires when a client joins the waiting list of a full class.',
  schema: {
    type: 'object',
    properties: { class_id: { type: 'string' }, position: { type: 'integer', minimum: 1 } },
    required: ['class_id'],
  },
  example: { class_id: '50318', position: 2 },
};

function rejects(fn: () => unknown, code: ErrorCode, detail: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof HooklineError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, detail);
    return true;
  });
}

test('a registered custom type is listed, sorted in, and validates data', () => {
  const catalog = new EventCatalog();
  const def = catalog.register(waitlisted);
  assert.equal(catalog.has('class/waitlisted'), true);
  assert.equal(catalog.isBuiltin('class/waitlisted'), false);
  assert.equal(catalog.get('class/waitlisted'), def);
  const names = catalog.list().map((d) => d.type);
  assert.deepEqual(names, [...names].sort());
  assert.ok(names.includes('class/waitlisted'));
  assert.deepEqual(catalog.validate('class/waitlisted', { class_id: '1' }), { ok: true });
  assert.deepEqual(catalog.validate('class/waitlisted', { class_id: '1', position: 0 }), {
    ok: false,
    errors: [{ pointer: '/position', message: 'must be >= 1' }],
  });
});

test('a custom type is private to its catalogue and copied, so later edits to the input change nothing', () => {
  const input = structuredClone(waitlisted);
  const catalog = new EventCatalog();
  catalog.register(input);
  (input.schema as { required: string[] }).required.push('position');
  assert.deepEqual(catalog.validate('class/waitlisted', { class_id: '1' }), { ok: true });
  assert.equal(new EventCatalog().has('class/waitlisted'), false);
});

test('a custom type can be replaced by registering it again', () => {
  const catalog = new EventCatalog();
  catalog.register(waitlisted);
  catalog.register({ ...waitlisted, schema: { type: 'object', required: ['seat'] }, example: { seat: 1 } });
  assert.equal(catalog.validate('class/waitlisted', { class_id: '1' }).ok, false);
  assert.deepEqual(catalog.validate('class/waitlisted', { seat: 4 }), { ok: true });
});

test('a schema with an $id can be replaced under the same $id, but not reused by another type', () => {
  const catalog = new EventCatalog();
  const schema = { $id: 'https://example.com/waitlisted.json', type: 'object' };
  catalog.register({ ...waitlisted, schema, example: {} });
  catalog.register({ ...waitlisted, schema: { ...schema, required: ['a'] }, example: { a: 1 } });
  rejects(() => catalog.register({ ...waitlisted, type: 'class/unlisted', schema, example: {} }),
    'VALIDATION_FAILED', /already used by 'class\/waitlisted'/);
});

test('built-in types cannot be replaced', () => {
  rejects(() => new EventCatalog().register({ ...waitlisted, type: 'client/created' }), 'EVENT_TYPE_EXISTS', /built-in/);
});

test('names that are not lowercase entity/action are rejected', () => {
  const catalog = new EventCatalog();
  for (const type of ['waitlisted', 'Class/Waitlisted', 'class/*', '*', 'class/wait listed', 'a/b/c', '']) {
    rejects(() => catalog.register({ ...waitlisted, type }), 'VALIDATION_FAILED', /entity\/action/);
  }
});

test("Hookline's own webhook/ entity is reserved", () => {
  rejects(() => new EventCatalog().register({ ...waitlisted, type: 'webhook/disabled' }), 'VALIDATION_FAILED', /reserved/);
  rejects(() => new EventCatalog().register({ ...waitlisted, type: 'hookline/webhook.paused' }), 'VALIDATION_FAILED', /reserved/);
});

test('schemas Ajv cannot compile are rejected', () => {
  const catalog = new EventCatalog();
  for (const schema of [
    { type: 'strnig' },
    { type: 'object', properties: { a: { $ref: '#/definitions/missing' } } },
    { $async: true, type: 'object' },
  ]) {
    rejects(() => catalog.register({ ...waitlisted, schema, example: {} }), 'VALIDATION_FAILED', /schema/);
  }
  rejects(() => catalog.register({ ...waitlisted, schema: [] }), 'VALIDATION_FAILED', /schema must be a JSON object/);
  assert.equal(catalog.has('class/waitlisted'), false);
});

test('an example that fails its own schema is rejected with pointers', () => {
  assert.throws(() => new EventCatalog().register({ ...waitlisted, example: { position: 'two' } }), (e: unknown) => {
    assert.ok(e instanceof HooklineError);
    assert.equal(e.code, 'VALIDATION_FAILED');
    assert.match(e.message, /example does not match its schema/);
    assert.deepEqual(e.extensions['errors'], [
      { pointer: '/', message: "must have required property 'class_id'" },
      { pointer: '/position', message: 'must be integer' },
    ]);
    return true;
  });
});

test('the example must be a JSON object, like all event data', () => {
  rejects(() => new EventCatalog().register({ ...waitlisted, schema: {}, example: ['x'] }),
    'VALIDATION_FAILED', /example must be a JSON object/);
});

test('an empty description is rejected', () => {
  rejects(() => new EventCatalog().register({ ...waitlisted, description: '  ' }), 'VALIDATION_FAILED', /description/);
});

test('a rejected replacement leaves the earlier custom version in force', () => {
  const catalog = new EventCatalog();
  catalog.register(waitlisted);
  rejects(() => catalog.register({ ...waitlisted, example: {} }), 'VALIDATION_FAILED', /example/);
  assert.deepEqual(catalog.validate('class/waitlisted', { class_id: '1' }), { ok: true });
  assert.equal(catalog.get('class/waitlisted')?.description, waitlisted.description);
});
