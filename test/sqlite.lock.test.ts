import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiver } from './helpers/receiver.js';
import { spawnServer, type ServerProcess } from './helpers/serverProcess.js';
import { apiClient } from './helpers/hookline.js';
import { until } from './helpers/wait.js';
import type { ApiAccepted } from './helpers/apiShapes.js';

/** Issue 12 §4: one SQLite file, one server. */

const ADMIN = 'sqlite-lock-admin-token-0123456789';
const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/** Runs the real CLI to its end; what it printed and how it exited. */
function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, HOOKLINE_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) => child.on('exit', (code) => {
    clearTimeout(killer);
    resolve({ code, output });
  }));
}

test('issue 12: a second `hookline serve` or `worker` on a SQLite file in use exits 2 naming the file and PostgreSQL; the first keeps sending; after a SIGKILL a restart finds no stale lock', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-lock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'hookline.db');
  const env = { HOOKLINE_DATABASE_URL: `file:${file}`, HOOKLINE_ADMIN_TOKEN: ADMIN, HOOKLINE_ALLOW_PRIVATE_NETWORKS: 'true' };
  const rx = await startReceiver();
  t.after(() => rx.close());

  let first: ServerProcess = await spawnServer(env);
  t.after(() => first.child.kill('SIGKILL'));
  const api = apiClient(first.url, ADMIN);
  assert.equal((await api('POST', '/v1/businesses', { id: 'lock', name: 'Lock' })).status, 201);
  assert.equal((await api('POST', '/v1/businesses/lock/webhooks', { url: rx.url, events: ['*'], max_in_flight: 3 })).status, 201);

  for (const command of [['serve', '--port', '0'], ['worker']]) {
    const second = await runCli(command, env);
    assert.equal(second.code, 2, `${command[0]} exits 2:\n${second.output}`);
    assert.ok(second.output.includes(file), `the message names the file: ${second.output}`);
    assert.match(second.output, /in use by another Hookline process/);
    assert.match(second.output, /PostgreSQL/);
    assert.doesNotMatch(second.output, /Hookline listening|worker started/);
  }

  // Another spelling of the same file is the same database.
  const alias = join(dir, 'alias.db');
  symlinkSync(file, alias);
  const throughAlias = await runCli(['worker'], { ...env, HOOKLINE_DATABASE_URL: `file:${alias}` });
  assert.equal(throughAlias.code, 2, `a symlink to the file is refused too:\n${throughAlias.output}`);

  // The first server was not disturbed: it still accepts and delivers.
  const r = await api<ApiAccepted>('POST', '/v1/businesses/lock/events', { id: 'after-refusal', type: 'invoice/paid', data: { n: 1 } });
  assert.equal(r.status, 202);
  await until('delivered by the one server', async () => rx.received.some((x) => x.headers['webhook-id'] === 'after-refusal'));

  // SIGKILL runs no cleanup; the kernel drops the lock with the process, so a restart starts at once.
  first.child.kill('SIGKILL');
  await first.exited;
  first = await spawnServer(env);
  assert.equal((await apiClient(first.url, ADMIN)('GET', '/v1/businesses/lock/webhooks')).status, 200);
  const again = await runCli(['serve', '--port', '0'], env);
  assert.equal(again.code, 2, 'the restarted server holds the lock in turn');

  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0);
  // A clean stop lets the next one in too.
  const next = await spawnServer(env);
  assert.equal((await apiClient(next.url, ADMIN)('GET', '/v1/businesses/lock/webhooks')).status, 200);
  next.child.kill('SIGTERM');
  assert.equal(await next.exited, 0);
});
