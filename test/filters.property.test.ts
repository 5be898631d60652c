import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compilePayloadFilter, type FilterSubject } from '../src/catalog/payloadFilter/index.js';

/**
 * Properties of payload filters (issue 16, docs/filters.md) over generated events and
 * filters: $not inverts, $and/$or compose like the logic they name, dotted paths and `$`
 * reach what docs/filters.md says they reach, and the explanation always agrees.
 */

const KEYS = ['a', 'b', 'c'] as const;
const scalar = fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: -3, max: 3 }), fc.constantFrom('1', '2', 'x', 'xy', ''));
const json = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 3 })),
})).value;
const eventArb = fc.record({ type: fc.constantFrom('invoice/paid', 'client/created'), data: json }).map(
  ({ type, data }): FilterSubject => ({ type, business: 'studio-1', occurred_at: '2026-01-31T12:00:00.000Z', data }),
);
const path = fc.array(fc.constantFrom<string>(...KEYS, '0', '$'), { minLength: 0, maxLength: 3 }).map((parts) => ['data', ...parts].join('.'));
const condition = fc.oneof(
  scalar,
  fc.record({ $eq: json }),
  fc.record({ $neq: scalar }),
  fc.record({ $gt: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('1', 'x')) }),
  fc.record({ $lte: fc.integer({ min: -3, max: 3 }) }),
  fc.record({ $in: fc.array(scalar, { minLength: 1, maxLength: 3 }) }),
  fc.record({ $nin: fc.array(scalar, { minLength: 1, maxLength: 3 }) }),
  fc.record({ $exist: fc.boolean() }),
  fc.record({ $regex: fc.constantFrom('^x', 'y$', '\\d') }),
  fc.record({ $startsWith: fc.constantFrom('x', '') }),
  fc.record({ $endsWith: fc.constantFrom('y', '2') }),
);
const filterArb = fc.letrec<{ filter: Record<string, unknown> }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(path, condition).map(([p, c]) => ({ [p]: c })),
    fc.record({ $not: tie('filter') }),
    fc.record({ $and: fc.array(tie('filter'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ $or: fc.array(tie('filter'), { minLength: 1, maxLength: 3 }) }),
  ),
})).filter;

const runs = { numRuns: 400 };
const test1 = (f: Record<string, unknown>, e: FilterSubject) => compilePayloadFilter(f).test(e);

test('$not inverts any filter on any event', () => {
  fc.assert(fc.property(filterArb, eventArb, (f, e) => test1({ $not: f }, e) === !test1(f, e)), runs);
});

test('$not inside a path inverts its condition when the path has no $', () => {
  fc.assert(
    fc.property(path.filter((p) => !p.includes('$')), condition, eventArb, (p, c, e) => test1({ [p]: { $not: c } }, e) === !test1({ [p]: c }, e)),
    runs,
  );
});

test('$and is every, $or is some; entries side by side are $and', () => {
  fc.assert(
    fc.property(fc.array(filterArb, { minLength: 1, maxLength: 4 }), eventArb, (fs, e) => {
      const each = fs.map((f) => test1(f, e));
      assert.equal(test1({ $and: fs }, e), each.every(Boolean));
      assert.equal(test1({ $or: fs }, e), each.some(Boolean));
      // De Morgan, through the engine's own $not.
      assert.equal(test1({ $not: { $or: fs } }, e), test1({ $and: fs.map((f) => ({ $not: f })) }, e));
    }),
    runs,
  );
  fc.assert(
    fc.property(fc.uniqueArray(fc.tuple(path, condition), { minLength: 2, maxLength: 3, selector: ([p]) => p }), eventArb, (entries, e) => {
      const together = Object.fromEntries(entries);
      assert.equal(test1(together, e), entries.every(([p, c]) => test1({ [p]: c }, e)));
    }),
    runs,
  );
});

test('$neq and $nin are exactly the negations of $eq and $in (on a path without $)', () => {
  fc.assert(
    fc.property(path.filter((p) => !p.includes('$')), scalar, fc.array(scalar, { minLength: 1, maxLength: 3 }), eventArb, (p, v, vs, e) => {
      assert.equal(test1({ [p]: { $neq: v } }, e), !test1({ [p]: { $eq: v } }, e));
      assert.equal(test1({ [p]: { $nin: vs } }, e), !test1({ [p]: { $in: vs } }, e));
    }),
    runs,
  );
});

/** A path followed by hand, the way docs/filters.md describes it: the values it reaches, or 'missing'. */
function reach(value: unknown, parts: string[]): unknown[] {
  if (parts.length === 0) return [value];
  const [head, ...rest] = parts as [string, ...string[]];
  if (head === '$') return Array.isArray(value) ? value.flatMap((el) => reach(el, rest)) : [];
  if (Array.isArray(value)) return /^\d+$/.test(head) && Number(head) < value.length ? reach(value[Number(head)], rest) : ['missing'];
  if (typeof value === 'object' && value !== null && head in value) return reach((value as Record<string, unknown>)[head], rest);
  return ['missing'];
}

test('dotted paths and $ reach what the documentation says: $exist and $eq agree with a hand-written walk', () => {
  fc.assert(
    fc.property(path, scalar, eventArb, (p, v, e) => {
      const reached = reach(e.data, p.split('.').slice(1));
      assert.equal(test1({ [p]: { $exist: true } }, e), reached.some((x) => x !== 'missing'), `${p} $exist true`);
      assert.equal(test1({ [p]: { $exist: false } }, e), reached.includes('missing'), `${p} $exist false`);
      assert.equal(test1({ [p]: v }, e), reached.some((x) => x !== 'missing' && x === v), `${p} = ${JSON.stringify(v)}`);
    }),
    runs,
  );
});

test('the explanation agrees with the answer for every filter and event', () => {
  fc.assert(
    fc.property(filterArb, eventArb, (f, e) => {
      const compiled = compilePayloadFilter(f);
      assert.equal(compiled.explain(e).holds, compiled.test(e));
    }),
    runs,
  );
});
