import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { startTestHookline } from './helpers/hookline.js';

/*
 * Issue 15: a typed client generated from the running server's /openapi.json
 * (openapi-typescript + openapi-fetch) compiles under `tsc --strict` and drives the README
 * tour. The script (fixtures/openapiClientTour.ts) also holds calls the types must refuse, so
 * a document that lost its shapes (everything `unknown` or `any`) fails here too.
 */

/** What the script returns (it is compiled against the generated types, outside this project's tsconfig). */
interface TourResult {
  secret: string | undefined;
  delivery: { status: string; attempts?: { status_code: number | null }[] };
  signature: string;
  replayed: number;
  missing: { status: number; problem: { code: string } | undefined };
}

const root = fileURLToPath(new URL('..', import.meta.url));

test('a client generated from /openapi.json typechecks and drives the tour: business, token, inbox, webhook, publish, delivery with its attempt, replay', async (t) => {
  const hl = await startTestHookline({ allowPrivateNetworks: false });
  const dir = mkdtempSync(join(tmpdir(), 'hookline-client-'));
  t.after(async () => {
    await hl.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const doc = (await (await fetch(`${hl.url}/openapi.json`)).json()) as Parameters<typeof openapiTS>[0];
  const types = astToString(await openapiTS(doc, { silent: true }));
  // .ts rather than .d.ts, so tsc checks the generated types themselves, not only their use.
  writeFileSync(join(dir, 'api.ts'), types);
  copyFileSync(join(root, 'test/fixtures/openapiClientTour.ts'), join(dir, 'tour.ts'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  // openapi-fetch and @types/node as this checkout has them.
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');

  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const args = ['--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2022', '--types', 'node', 'tour.ts'];
  const compiled = await new Promise<{ code: number; out: string }>((resolve) =>
    execFile(process.execPath, [tsc, ...args], { cwd: dir, timeout: 120_000 }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, out: stdout + stderr })),
  );
  assert.equal(compiled.code, 0, `tsc on the generated client:\n${compiled.out}`);

  const { tour } = (await import(pathToFileURL(join(dir, 'tour.ts')).href)) as { tour: (url: string, token: string) => Promise<TourResult> };
  const result = await tour(hl.url, hl.adminToken);
  assert.match(result.secret ?? '', /^whsec_/);
  assert.equal(result.delivery.status, 'succeeded');
  assert.equal(result.delivery.attempts?.[0]?.status_code, 200);
  assert.equal(result.signature, 'verified');
  assert.equal(result.replayed, 0, 'nothing failed, so nothing to replay');
  assert.equal(result.missing.status, 404);
  assert.equal(result.missing.problem?.code, 'DELIVERY_NOT_FOUND');
});
