import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePayloadFilter, FILTER_LIMITS, type FilterSubject } from '../src/catalog/payloadFilter/index.js';
import { regexCostLog2 } from '../src/catalog/payloadFilter/regexCost.js';
import { HooklineError } from '../src/errors.js';

/**
 * $regex runs in V8's backtracking engine, so a filter's pattern is bounded at save and the
 * string it reads is capped (docs/filters.md#regex): no filter can stall publishing (issue 16).
 */

const on = (s: string): FilterSubject => ({ type: 'client/created', business: 'b', occurred_at: '2026-01-31T12:00:00.000Z', data: { s } });
const refusal = (pattern: string): string | null => {
  try {
    compilePayloadFilter({ 'data.s': { $regex: pattern } });
    return null;
  } catch (err) {
    assert.ok(err instanceof HooklineError && err.code === 'INVALID_PAYLOAD_FILTER');
    return err.message;
  }
};

test('patterns people write for filters are accepted', () => {
  for (const p of ['^[^@]+@example\\.com$', '^\\+44\\d{9,10}$', '(\\d{1,3}\\.){3}\\d{1,3}', '.*membership', '^INV-\\d+$', 'yoga|pilates', '^\\p{Lu}', '2114']) {
    assert.equal(refusal(p), null, p);
  }
});

test('patterns that can backtrack for seconds are refused, saying why', () => {
  for (const p of ['(a+)+$', '(a|aa)+', '(\\w+\\s?)*$', '(x)\\1']) assert.match(refusal(p) ?? '', /could stall publishing/, p);
  // Polynomial: each unbounded repeat multiplies the work by the subject's length.
  for (const p of ['.*.*x', 'a.*b.*c', '.*@.*\\.com', '\\d+\\d+x', '[a-z]+[0-9]+[a-z]+$']) {
    assert.ok(regexCostLog2(p, FILTER_LIMITS.maxRegexSubject) > FILTER_LIMITS.maxRegexCostLog2, p);
    assert.match(refusal(p) ?? '', /could stall publishing: it may backtrack too much/, p);
  }
  assert.match(refusal('x'.repeat(FILTER_LIMITS.maxPatternLength + 1)) ?? '', /at most 256 characters/);
});

test('the worst an accepted pattern can do on a hostile string of the longest length read stays in milliseconds', () => {
  const hostile = ['a'.repeat(FILTER_LIMITS.maxRegexSubject), '1'.repeat(FILTER_LIMITS.maxRegexSubject), 'ab'.repeat(FILTER_LIMITS.maxRegexSubject / 2)];
  for (const p of ['.*x', '[a-z]+x', '\\w+\\d;', '\\d*y', '(\\d{1,3}\\.){3}\\d{1,3}$', 'x{1,16}y{1,16}z']) {
    const f = compilePayloadFilter({ 'data.s': { $regex: p } });
    for (const s of hostile) {
      const started = performance.now();
      assert.equal(f.test(on(s)), false);
      const ms = performance.now() - started;
      // Measured 0.4–0.8 ms on the 2-core reference machine; 50 ms leaves room for a loaded one,
      // and is still 10× below what one refused pattern (.*.*x: 0.5 s) takes.
      assert.ok(ms < 50, `${p} on ${s.slice(0, 4)}…: ${ms.toFixed(1)} ms`);
    }
  }
});

test('a string longer than the cap does not match $regex, and the explanation says why', () => {
  const f = compilePayloadFilter({ 'data.s': { $regex: '^a' } });
  assert.equal(f.test(on('a'.repeat(FILTER_LIMITS.maxRegexSubject))), true);
  const long = on('a'.repeat(FILTER_LIMITS.maxRegexSubject + 1));
  assert.equal(f.test(long), false);
  assert.match(f.explain(long).message, /longer than the 1024 characters \$regex reads/);
});
