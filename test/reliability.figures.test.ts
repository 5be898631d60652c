import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The table of probes in docs/reliability.md is generated (issue 12 §7): it must show the
 * figures recorded in bench/results/reliability/, and every test that records figures must
 * have a file there, so that the table covers every probe.
 */
const root = fileURLToPath(new URL('..', import.meta.url));

test('docs/reliability.md shows the recorded probe figures (regenerate: node bench/reliabilityTable.mjs)', () => {
  assert.doesNotThrow(() => execFileSync(process.execPath, ['bench/reliabilityTable.mjs', '--check'], { cwd: root, stdio: 'pipe' }));
});

test('every test that records figures has its file, with every column', () => {
  const recorded = new Set(readdirSync(`${root}bench/results/reliability`).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)));
  const named = new Set<string>();
  for (const f of readdirSync(`${root}test`).filter((n) => n.endsWith('.test.ts'))) {
    for (const m of readFileSync(`${root}test/${f}`, 'utf8').matchAll(/recordFigures\('([a-z0-9-]+)'/g)) named.add(m[1]!);
  }
  assert.deepEqual([...named].sort(), [...recorded].sort());
  for (const name of recorded) {
    const f = JSON.parse(readFileSync(`${root}bench/results/reliability/${name}.json`, 'utf8'));
    for (const key of ['probe', 'test', 'tries', 'server_errors', 'lost', 'duplicates', 'recovery_ms']) assert.ok(key in f, `${name}.json lacks ${key}`);
    assert.equal(f.server_errors, 0, `${name}: a probe that found a 5xx is a bug to fix, not a figure to publish`);
  }
});
