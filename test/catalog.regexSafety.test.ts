import { test } from 'node:test';
import assert from 'node:assert/strict';
import { regexHazard, unsafePatterns } from '../src/catalog/regexSafety.js';

/** Issue 12 §5: which patterns a custom event-type schema may carry. */

const unsafe = [
  '^(a+)+$', '(a*)*', '(a|aa)+', '^(\\w+\\s?)*$', '(?:x+y?)+', '(?<n>a+)*', '((a)+b)+', '(.*a){12}', '(a{1,3}){20}', '(a{2,})+',
  '(a)\\1', '(?<w>a)\\k<w>', '^(([a-z])+.)+[A-Z]([a-z])+$',
];
const safe = [
  '^[a-z]+$', '^\\d{4}-\\d{2}-\\d{2}$', '^(\\d{1,3}\\.){3}\\d{1,3}$', '^([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$', '^(mon|tue)$',
  '^[A-Z]{2}(-[a-z]+)?$', '^\\p{L}+$', '^[^@\\s]+@[^@\\s]+$', '(ab)?c', '^(a|b){2}$', '\\(a+\\)+', '[(a+)+]',
];

test('issue 12: patterns that backtrack catastrophically are named unsafe, with the reason', () => {
  for (const p of unsafe) assert.ok(regexHazard(p), `${p} should be refused`);
  assert.match(regexHazard('^(a+)+$')!, /nested quantifiers/);
  assert.match(regexHazard('(a|aa)+')!, /alternatives/);
  assert.match(regexHazard('(a)\\1')!, /backreference/);
});

test('issue 12: everyday patterns are allowed, and each runs fast on a near miss', () => {
  for (const p of safe) {
    assert.equal(regexHazard(p), null, `${p} should be allowed`);
    const re = new RegExp(p, 'u');
    const started = performance.now();
    for (const probe of ['a'.repeat(5000) + '!', '1.'.repeat(2000) + 'x', 'ab'.repeat(3000) + '@']) re.test(probe);
    assert.ok(performance.now() - started < 100, `${p} is slow`);
  }
});

test('issue 12: unsafePatterns finds pattern and patternProperties anywhere in a schema, and not inside data keywords', () => {
  const found = unsafePatterns({
    properties: {
      enum: { type: 'string', pattern: '(a+)+' },
      list: { items: { patternProperties: { '^(x|xx)+$': {} } } },
      safe: { type: 'string', pattern: '^a+$' },
    },
    enum: [{ pattern: '(a+)+' }],
    examples: [{ pattern: '(a+)+' }],
  });
  assert.deepEqual(found.map((f) => f.pointer), ['/properties/enum/pattern', '/properties/list/items/patternProperties']);
});
