import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { errorCatalog } from '../src/errors.js';

test('every error code in the catalogue is documented in docs/errors.md with its status, and nothing else is', () => {
  const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const rows = new Map<string, string>();
  for (const m of doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}|—) \|/gm)) rows.set(m[1]!, m[2]!);
  for (const [code, { status }] of Object.entries(errorCatalog)) {
    assert.ok(rows.has(code), `${code} is missing from docs/errors.md`);
    if (status < 500 || rows.get(code) !== '—') assert.equal(rows.get(code), String(status), `${code} status`);
  }
  for (const code of rows.keys()) assert.ok(code in errorCatalog, `docs/errors.md lists ${code}, which the catalogue does not have`);
});
