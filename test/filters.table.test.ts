import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compilePayloadFilter, type FilterSubject } from '../src/catalog/payloadFilter/index.js';

/**
 * docs/filters.md is the specification of payload filters (issue 16): its tables are read here
 * and every cell is checked, so the documentation and the code cannot disagree.
 */

const doc = readFileSync(new URL('../docs/filters.md', import.meta.url), 'utf8');

/** The markdown table that follows a heading line starting with `heading`. */
function tableAfter(heading: string): string[][] {
  const start = doc.indexOf(heading);
  assert.ok(start >= 0, `docs/filters.md has no "${heading}"`);
  const lines = doc.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split(' | ').map((c) => c.trim()));
  }
  return rows.filter((r) => !r[0]!.startsWith('---'));
}

const code = (cell: string): unknown => JSON.parse(/^`(.*)`$/.exec(cell)?.[1] ?? assert.fail(`not code: ${cell}`));
const mark = (cell: string): boolean => (cell === '✓' ? true : cell === '✗' ? false : assert.fail(`not ✓/✗: ${cell}`));
const event = (data: unknown): FilterSubject => ({ type: 'invoice/paid', business: 'studio-1', occurred_at: '2026-01-31T12:00:00.000Z', data });

test('operator × JSON type: every cell of the table in docs/filters.md holds', () => {
  const [heading, ...rows] = tableAfter('## Operators on every JSON type');
  // Columns: "missing", then "<type> `<value>`".
  const columns = heading!.slice(1).map((h) => (h === 'missing' ? { name: h, missing: true as const } : { name: h, value: code(/`.*`$/.exec(h)![0]) }));
  assert.equal(columns.length, 8, 'missing, null, boolean, number, numeric string, string, array, object');
  assert.ok(rows.length >= 20);
  const operators = new Set<string>();
  for (const row of rows) {
    const condition = code(row[0]!);
    for (const op of JSON.stringify(condition).match(/\$[a-zA-Z]+/g) ?? []) operators.add(op);
    const filter = compilePayloadFilter({ 'data.x': condition });
    columns.forEach((column, i) => {
      const data = 'missing' in column ? {} : { x: column.value };
      const expected = mark(row[i + 1]!);
      assert.equal(filter.test(event(data)), expected, `${row[0]} on ${column.name}`);
      assert.equal(filter.explain(event(data)).holds, expected, `explain agrees: ${row[0]} on ${column.name}`);
    });
  }
  // The list: every operator has at least one row.
  for (const op of ['$eq', '$neq', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exist', '$regex', '$startsWith', '$endsWith', '$not', '$and', '$or']) {
    assert.ok(operators.has(op), `the table has a row for ${op}`);
  }
});

test('issue 16 traps: {"x": {"$exist": false}} matches an absent x, and $lt against a non-number is false', () => {
  const absent = compilePayloadFilter({ 'data.x': { $exist: false } });
  assert.equal(absent.test(event({})), true);
  assert.equal(absent.test(event({ x: null })), false);
  const lt = compilePayloadFilter({ 'data.x': { $lt: 10 } });
  for (const v of ['5', null, true, [1], { a: 1 }]) assert.equal(lt.test(event({ x: v })), false, JSON.stringify(v));
  assert.equal(lt.test(event({})), false, 'missing');
});

test('paths and arrays: every row of the table in docs/filters.md holds', () => {
  const [, ...rows] = tableAfter('## Paths and arrays');
  assert.ok(rows.length >= 10);
  for (const [filter, data, matches] of rows) {
    const compiled = compilePayloadFilter(code(filter!));
    assert.equal(compiled.test(event(code(data!))), mark(matches!), `${filter} on ${data}`);
    assert.equal(compiled.explain(event(code(data!))).holds, mark(matches!), `explain agrees: ${filter} on ${data}`);
  }
});

test('the three examples in docs/filters.md are valid filters and judge the catalogue-shaped events as the text says', () => {
  const examples = [...doc.slice(doc.indexOf('## Examples'), doc.indexOf('## Checked at save')).matchAll(/```json\n([\s\S]*?)```/g)].map(
    (m) => (JSON.parse(m[1]!) as { filter: unknown }).filter,
  );
  assert.equal(examples.length, 3);
  const [invoices, location, members] = examples.map((f) => compilePayloadFilter(f));
  assert.equal(invoices!.test(event({ id: 'inv_1', amount_paid: 1500, currency: 'USD' })), true);
  assert.equal(invoices!.test(event({ id: 'inv_2', amount_paid: 240, currency: 'USD' })), false);
  assert.equal(location!.test({ ...event({ id: '50318', location_id: '2114' }), type: 'class/updated' }), true);
  assert.equal(location!.test({ ...event({ id: '50318', location_id: 2114 }), type: 'class/updated' }), false);
  const statusChanged = (category: string) => ({ ...event({ id: 771204, active_packages: [{ package_id: 1, package_name: 'Intro', package_category: 'Trial' }, { package_id: 5520, package_name: 'Unlimited Monthly', package_category: category }] }), type: 'client/status_changed' });
  assert.equal(members!.test(statusChanged('Membership')), true);
  assert.equal(members!.test(statusChanged('Class pack')), false);
  assert.equal(members!.test({ ...event({ id: 'chk_1', check_in_status: 'invalid' }), type: 'client/checked_in' }), true);
  assert.equal(members!.test({ ...event({ id: 'chk_2', check_in_status: 'valid' }), type: 'client/checked_in' }), false);
});
