import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as source from '../packages/verify/src/index.js';
import { FIXTURE_PATH, type SignedRequestFixture } from './fixtures/generate-signed-requests.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test('@hookline/verify imports nothing but node:crypto and its own files, so it ships standalone', () => {
  const verifyDir = join(root, 'packages/verify/src');
  for (const file of filesUnder(verifyDir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(/\bfrom\s+'([^']+)'/g)) {
      if (spec === 'node:crypto') continue;
      assert.ok(spec!.startsWith('.'), `${file} imports ${spec}`);
      assert.ok(resolve(dirname(file), spec!).startsWith(verifyDir), `${file} reaches outside packages/verify/src: ${spec}`);
    }
  }
});

test('@hookline/verify declares no dependencies of any kind, and hookline/verify is only its re-export', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'packages/verify/package.json'), 'utf8')) as Record<string, unknown>;
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'bundleDependencies']) assert.equal(pkg[field], undefined, field);
  const reexport = readFileSync(join(root, 'src/verify/index.ts'), 'utf8');
  assert.deepEqual([...reexport.matchAll(/^(?:import|export)\b.*$/gm)].map((m) => m[0]), ["export * from '@hookline/verify';"]);
});

test('the package subpath hookline/verify resolves to the built library and verifies every fixture', async () => {
  // A variable keeps TypeScript from resolving the self-reference before `npm run build` has run.
  const specifier = 'hookline/verify';
  const built = (await import(specifier)) as typeof source;
  assert.deepEqual(Object.keys(built).sort(), Object.keys(source).sort());
  const fixtures = JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as SignedRequestFixture[];
  for (const f of fixtures) {
    for (const secret of f.secrets) {
      const v = built.verifyWebhook(f.dialect as source.DialectName, f.request.body, f.request.headers, secret, { now: () => f.input.now });
      assert.equal(v.id, f.expect.id, f.name);
    }
  }
});
