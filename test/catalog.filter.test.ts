import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertValidFilters,
  builtinEventTypes,
  compileFilter,
  EventCatalog,
  isValidFilter,
  matchesFilter,
} from '../src/catalog/index.js';
import { HooklineError } from '../src/errors.js';

test('valid filters: *, entity/*, and exact types', () => {
  for (const f of ['*', 'client/*', 'client/created', 'payment_gateways_settings/connected', 'my-app.v2/done', '3d/printed']) {
    assert.equal(isValidFilter(f), true, f);
  }
});

test('invalid filters: other wildcards, wrong case, empty parts, extra slashes, spaces', () => {
  for (const f of ['', '**', '*/created', 'client/cre*', 'client', 'client/', '/created', 'client/created/x',
    'Client/Created', 'client/ created', ' client/created', '_client/created', 'client.created', `a/${'b'.repeat(65)}`]) {
    assert.equal(isValidFilter(f), false, JSON.stringify(f));
  }
});

/** [filters, type, expected] — both matchers must agree with every row. */
const table: [string[], string, boolean][] = [
  [['*'], 'client/created', true],
  [['*'], 'webhook/test', true],
  [['client/*'], 'client/created', true],
  [['client/*'], 'client/status_changed', true],
  [['client/*'], 'contact_form/created', false],
  [['client/*'], 'clients/created', false],
  [['client/*'], 'client_x/created', false],
  [['client/created'], 'client/created', true],
  [['client/created'], 'client/updated', false],
  [['invoice/paid', 'client/*'], 'client/deleted', true],
  [['invoice/paid', 'client/*'], 'invoice/paid', true],
  [['invoice/paid', 'client/*'], 'invoice/issued', false],
  [[], 'client/created', false],
  [['Client/*', 'CLIENT/CREATED'], 'client/created', false],
  [['*/*', '*/created'], 'client/created', false],
];

test('matchesFilter answers the filter table', () => {
  for (const [filters, type, expected] of table) {
    assert.equal(matchesFilter(filters, type), expected, `${JSON.stringify(filters)} ~ ${type}`);
  }
});

test('compileFilter gives the same answers as matchesFilter', () => {
  for (const [filters, type, expected] of table) {
    assert.equal(compileFilter(filters)(type), expected, `${JSON.stringify(filters)} ~ ${type}`);
  }
  const all = builtinEventTypes.map((d) => d.type);
  for (const filters of [['*'], ['client/*', 'staff/created'], ['meeting/*'], ['nope/*']]) {
    const matcher = compileFilter(filters);
    for (const type of all) assert.equal(matcher(type), matchesFilter(filters, type), `${filters} ~ ${type}`);
  }
});

test('assertValidFilters throws INVALID_EVENT_FILTER naming each bad filter', () => {
  assert.doesNotThrow(() => assertValidFilters(['*', 'client/*', 'invoice/paid']));
  assert.throws(() => assertValidFilters(['client/*', 'Client/Created', '*/paid', 7]), (e: unknown) => {
    assert.ok(e instanceof HooklineError);
    assert.equal(e.code, 'INVALID_EVENT_FILTER');
    assert.deepEqual(e.extensions['filters'], ['Client/Created', '*/paid', 7]);
    assert.match(e.message, /"Client\/Created", "\*\/paid", 7/);
    return true;
  });
});

test('unknownFilters picks out well-formed filters that select no known type (typos)', () => {
  const catalog = new EventCatalog();
  assert.deepEqual(catalog.unknownFilters(['*', 'client/*', 'client/craeted', 'clinet/*', 'invoice/paid']), [
    'client/craeted',
    'clinet/*',
  ]);
});
