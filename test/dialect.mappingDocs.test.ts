import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builtinEventTypes } from '../src/catalog/index.js';
import { dialectNames, findDialect, type FieldRule } from '../src/dialects/index.js';
import { mappingMarkdown } from '../src/dialects/mappingDocs.js';

const docs = readFileSync(new URL('../docs/dialects.md', import.meta.url), 'utf8');
const withTables = dialectNames().filter((n) => findDialect(n)!.mapping);

test('docs/dialects.md prints every mapping table exactly as the dialect modules hold it (regenerate with scripts/dialect-mapping-docs.mjs)', () => {
  assert.deepEqual(withTables.sort(), ['hapana', 'opus1', 'upodi', 'wellnessliving']);
  for (const name of withTables) {
    const m = new RegExp(`<!-- mapping:${name} -->\\n([\\s\\S]*?)\\n<!-- /mapping:${name} -->`).exec(docs);
    assert.ok(m, `docs/dialects.md has no mapping block for ${name}`);
    assert.equal(m[1], mappingMarkdown(findDialect(name)!), name);
  }
});

/** Top-level canonical fields a rule reads (items read inside their list). */
const sources = (rules: readonly FieldRule[]): string[] => rules.flatMap((r) => r.from.map((f) => f.split('.')[0]!));

test('the catalogue\'s canonical schemas carry every field a dialect translates, and each mapped type is one the dialect expresses (issue 11)', () => {
  for (const name of withTables) {
    const dialect = findDialect(name)!;
    for (const [type, rules] of Object.entries(dialect.mapping!)) {
      assert.notEqual(dialect.eventName(type), null, `${name} maps ${type}, which it cannot express`);
      const def = builtinEventTypes.find((d) => d.type === type);
      assert.ok(def, `${name} maps ${type}, which is not in the catalogue`);
      const props = def.schema['properties'] as Record<string, { properties?: Record<string, unknown>; items?: { properties?: Record<string, unknown> } }>;
      for (const field of sources(rules)) assert.ok(props[field], `${type} has no canonical "${field}" for ${name}`);
      for (const r of rules.filter((x) => x.items)) {
        const item = props[r.from[0]!]!.items!.properties!;
        for (const f of sources(r.items!)) assert.ok(item[f], `${type} ${r.from[0]}[] has no "${f}" for ${name}`);
      }
      for (const r of rules) {
        for (const from of r.from.filter((f) => f.includes('.'))) {
          const [top, inner] = from.split('.') as [string, string];
          assert.ok(props[top]!.properties?.[inner], `${type} has no canonical "${from}" for ${name}`);
        }
        const values = r.values ? Object.keys(r.values) : [];
        const allowed = (props[r.from[0]!] as { enum?: string[] } | undefined)?.enum;
        if (values.length > 0) assert.deepEqual(values.sort(), [...(allowed ?? [])].sort(), `${type} ${r.field}: the value map covers the canonical value set`);
      }
    }
  }
});

test('canonical field names are snake_case in every built-in schema, one naming across types (issue 11)', () => {
  for (const def of builtinEventTypes) {
    for (const field of Object.keys((def.schema['properties'] ?? {}) as object)) assert.match(field, /^[a-z][a-z0-9_]*$/, `${def.type} ${field}`);
  }
});
