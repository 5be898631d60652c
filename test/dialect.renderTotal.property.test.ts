import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EventCatalog, builtinEventTypes } from '../src/catalog/index.js';
import { dialectNames, findDialect, isUnrepresentable } from '../src/dialects/index.js';
import { verifyWebhook, type DialectName } from '../src/verify/index.js';

/*
 * Issue 11: rendering is total. For every catalogue type a dialect expresses and any `data`
 * valid against the type's schema, `render` returns a signed request a receiver verifies, or
 * `unrepresentable` naming a field that is really there; it never throws.
 */

const catalog = new EventCatalog();
const SECRET = `whsec_${Buffer.alloc(32, 0x42).toString('base64')}`;
const NOW = Date.UTC(2026, 0, 31, 12, 0, 0);
type Schema = Record<string, unknown>;

/** Names some dialect reads as its own, mixed into the extra properties a schema allows. */
const NATIVE_NAMES = ['clientID', 'siteID', 'uid', 's_first_name', 'Issuer', 'Data', 'meta_data', 'business', 'a_price', 'status', 'checkInStatus'];
const extraKey = fc.oneof(fc.constantFrom(...NATIVE_NAMES), fc.string({ maxLength: 8 }));

function arbitraryFor(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
  const type = schema['type'];
  if (Array.isArray(type)) return fc.oneof(...type.map((t) => arbitraryFor({ ...schema, type: t }, depth)));
  switch (type) {
    case 'string':
      if (schema['format'] === 'date-time') return fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema['format'] === 'date') return fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      return fc.string({ maxLength: 12 });
    case 'integer':
      return fc.oneof(fc.integer(), fc.maxSafeInteger());
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = schema['items'] as Schema | undefined;
      return fc.array(items ? arbitraryFor(items, depth + 1) : fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 });
    }
    case 'object': {
      const props = (schema['properties'] ?? {}) as Record<string, Schema>;
      const required = (schema['required'] ?? []) as string[];
      const known = fc.record(Object.fromEntries(Object.entries(props).map(([k, s]) => [k, arbitraryFor(s, depth + 1)])), { requiredKeys: required });
      const extras = depth > 0 ? fc.constant({}) : fc.dictionary(extraKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
      return fc.tuple(known, extras).map(([k, e]) => {
        const out: Record<string, unknown> = {};
        for (const [key, v] of Object.entries(e)) if (!Object.hasOwn(props, key)) Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
        return Object.assign(out, k);
      });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const publishable = builtinEventTypes.filter((d) => !d.type.startsWith('hookline/'));

for (const name of dialectNames()) {
  test(`${name}: random data valid against each type's schema renders without throwing, and its signature verifies (issue 11)`, () => {
    const dialect = findDialect(name)!;
    let rendered = 0;
    for (const def of publishable.filter((d) => dialect.eventName(d.type) !== null)) {
      fc.assert(
        fc.property(arbitraryFor(def.schema as Schema), (data) => {
          fc.pre(catalog.validate(def.type, data).ok);
          const input = {
            event: { id: 'evt_01JRTFXPROPERTY0000000000', business_id: 'studio-1', type: def.type, data: JSON.stringify(data), occurred_at: NOW - 1000, created_at: NOW - 900 },
            webhook: { id: 'wh_1', business_id: 'studio-1', url: 'https://receiver.example/', secret: SECRET, previous_secret: null, previous_secret_expires_at: null },
            deliveryId: 'dlv_01JRTFXPROPERTY000000000',
            attemptNumber: 1,
            now: NOW,
          };
          const r = dialect.render(input);
          if (isUnrepresentable(r)) {
            // Only a value that is there can be unrepresentable; the pointer names it.
            const top = r.unrepresentable.pointer.split('/')[1]!;
            assert.ok(Object.hasOwn(data as object, top), `${def.type}: ${r.unrepresentable.pointer} is not in the data`);
            assert.match(r.unrepresentable.message, new RegExp(`^${name} documents`));
            return;
          }
          rendered++;
          JSON.parse(r.body);
          const v = verifyWebhook(name as DialectName, r.body, r.headers, SECRET, { now: () => NOW });
          // The svix dialect sends the payload alone, so it names an event only when the payload does (docs/svix.md).
          const payloadType = (data as Record<string, unknown>)['type'];
          assert.equal(v.event, name === 'svix' ? (typeof payloadType === 'string' ? payloadType : null) : dialect.eventName(def.type));
        }),
        { numRuns: 25, seed: 11 },
      );
    }
    assert.ok(rendered > 0);
  });
}

test('opus1: an integer id is sent as published, any other id is unrepresentable and named (issue 11)', () => {
  const opus1 = findDialect('opus1')!;
  const input = (data: unknown) => ({
    event: { id: 'evt_1', business_id: 'b', type: 'subscription/updated', data: JSON.stringify(data), occurred_at: NOW, created_at: NOW },
    webhook: { id: 'wh_1', business_id: 'b', url: 'https://r.example/', secret: SECRET, previous_secret: null, previous_secret_expires_at: null },
    deliveryId: 'dlv_1',
    attemptNumber: 1,
    now: NOW,
  });
  const ok = opus1.render(input({ id: 7, client_id: 48213, status: 'ended' }));
  assert.ok(!isUnrepresentable(ok) && ok.body === '{"business":"b","id":7,"client_id":48213,"status":"ended"}');
  const bad = opus1.render(input({ id: 7, client_id: 'cl_52e9d1' }));
  assert.ok(isUnrepresentable(bad));
  assert.equal(bad.unrepresentable.pointer, '/client_id');
});
