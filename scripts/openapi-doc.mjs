#!/usr/bin/env node
// Writes docs/openapi.json: the document a server of this checkout serves at /openapi.json
// (after `npm run build`), so clients can be generated without running one.
// test/openapi.spec.test.ts fails when the file and the server disagree.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../dist/config.js';
import { startHookline } from '../dist/app.js';

const dir = mkdtempSync(join(tmpdir(), 'hookline-openapi-'));
try {
  const config = loadConfig({}, { port: 0, databaseUrl: `file:${join(dir, 'hookline.db')}`, adminToken: 'openapi-document-only-0000', logLevel: 'silent' });
  const handle = await startHookline(config, { mode: 'serve', logger: pino({ level: 'silent' }) });
  try {
    const res = await fetch(`${handle.url}/openapi.json`);
    if (!res.ok) throw new Error(`GET /openapi.json answered ${res.status}: ${await res.text()}`);
    writeFileSync(new URL('../docs/openapi.json', import.meta.url), `${JSON.stringify(await res.json(), null, 2)}\n`);
  } finally {
    await handle.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log('docs/openapi.json written');
