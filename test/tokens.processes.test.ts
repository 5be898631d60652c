import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAll, spawnServer, type ServerProcess } from './helpers/serverProcess.js';
import { apiClient } from './helpers/hookline.js';
import { createTestSchema, probePostgres, type TestDatabase } from './helpers/postgres.js';
import { until } from './helpers/wait.js';
import type { ApiIssuedToken, ApiProblem } from './helpers/apiShapes.js';

/** Token lifecycle across real processes (issue 12): revocation on PostgreSQL, admin token rotation across restarts. */

const pgReady = await probePostgres();

async function stopServer(p: ServerProcess): Promise<void> {
  p.child.kill('SIGTERM');
  await p.exited;
}

test('PostgreSQL, two processes (issue 12): a token revoked through one is refused by the other within 1 s, and an expired one by both with TOKEN_EXPIRED', { skip: pgReady.available ? false : pgReady.reason, timeout: 60_000 }, async (t) => {
  const ADMIN = 'pg-tokens-admin-token-0123456789';
  let db: TestDatabase | undefined;
  const procs: ServerProcess[] = [];
  t.after(async () => {
    await killAll(procs);
    await db?.drop();
  });
  db = await createTestSchema();
  const env = { HOOKLINE_DATABASE_URL: db.url, HOOKLINE_ADMIN_TOKEN: ADMIN };
  procs.push(await spawnServer(env));
  procs.push(await spawnServer(env));
  const [a, b] = procs.map((p) => apiClient(p.url, ADMIN)) as [ReturnType<typeof apiClient>, ReturnType<typeof apiClient>];
  assert.equal((await a('POST', '/v1/businesses', { id: 'pg', name: 'PG' })).status, 201);

  const issued = (await a<ApiIssuedToken>('POST', '/v1/businesses/pg/tokens', { name: 'integration' })).body;
  // Used on both processes, so both hold it in their caches when it is revoked.
  for (let i = 0; i < 3; i++) {
    assert.equal((await a('GET', '/v1/businesses/pg', undefined, issued.token)).status, 200);
    assert.equal((await b('GET', '/v1/businesses/pg', undefined, issued.token)).status, 200);
  }
  const revokedAt = Date.now();
  assert.equal((await a('DELETE', `/v1/businesses/pg/tokens/${issued.id}`)).status, 204);
  assert.equal((await a('GET', '/v1/businesses/pg', undefined, issued.token)).status, 401, 'the revoking process refuses it at once');
  const refused = await until('the other process refuses the revoked token', async () => {
    const r = await b<ApiProblem>('GET', '/v1/businesses/pg', undefined, issued.token);
    return r.status !== 200 && r;
  }, 5000);
  const took = Date.now() - revokedAt;
  assert.equal(refused.status, 401);
  assert.equal(refused.body.code, 'UNAUTHORIZED');
  t.diagnostic(`the second process refused the revoked token ${took} ms after the DELETE`);
  assert.ok(took < 1000, `the second process refused it after ${took} ms`);

  const expiresAt = new Date(Date.now() + 1500).toISOString();
  const shortLived = (await a<ApiIssuedToken>('POST', '/v1/businesses/pg/tokens', { expires_at: expiresAt })).body;
  assert.equal((await b('GET', '/v1/businesses/pg', undefined, shortLived.token)).status, 200);
  await until('the short-lived token expires', async () => Date.now() > Date.parse(expiresAt), 5000);
  for (const api of [a, b]) {
    const r = await api<ApiProblem>('GET', '/v1/businesses/pg', undefined, shortLived.token);
    assert.equal(r.status, 401);
    assert.equal(r.body.code, 'TOKEN_EXPIRED');
    assert.match(r.body.detail, new RegExp(`expired at ${expiresAt.replace(/[.]/g, '\\.')}`));
  }
});

test('admin token rotation across restarts (issue 12): a configured token replaces the generated one, a new one replaces it, and a start without one keeps the last', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-tokens-'));
  let running: ServerProcess | null = null;
  t.after(async () => {
    if (running) await stopServer(running);
    rmSync(dir, { recursive: true, force: true });
  });
  const start = async (adminToken: string | null): Promise<ServerProcess> => {
    running = await spawnServer({ HOOKLINE_DATABASE_URL: `file:${join(dir, 'hookline.db')}`, HOOKLINE_ADMIN_TOKEN: adminToken ?? '' });
    return running;
  };
  const restart = async (adminToken: string | null): Promise<ServerProcess> => {
    await stopServer(running!);
    running = null;
    return start(adminToken);
  };
  const status = async (p: ServerProcess, token: string) => (await apiClient(p.url, token)('GET', '/v1/businesses')).status;

  let p = await start(null);
  // Printed just after the line that says the server listens.
  const generated = await until(`the first start prints a generated token:\n${p.output()}`, async () => /Admin token \(shown once, store it now\): (hl_adm_\S+)\n/.exec(p.output())?.[1], 5000);
  assert.equal(await status(p, generated), 200);
  assert.equal((await apiClient(p.url, generated)('POST', '/v1/businesses', { id: 'kept', name: 'Kept' })).status, 201);
  const staff = (await apiClient(p.url, generated)<ApiIssuedToken>('POST', '/v1/businesses/kept/tokens')).body.token;

  const first = 'configured-admin-token-one-0123456789';
  p = await restart(first);
  assert.equal(await status(p, generated), 401, 'the generated token stops working once one is configured');
  assert.equal(await status(p, first), 200);

  const second = 'configured-admin-token-two-0123456789';
  p = await restart(second);
  assert.equal(await status(p, first), 401, 'a restart with a new token revokes the old');
  assert.equal(await status(p, second), 200);
  assert.equal((await apiClient(p.url, staff)('GET', '/v1/businesses/kept')).status, 200, 'business tokens are not admin tokens: they stay');

  p = await restart(null);
  assert.equal(await status(p, second), 200, 'the last configured token stays the admin token');
  assert.equal(await status(p, generated), 401);
  // After two round trips, anything printed at start has arrived.
  assert.doesNotMatch(p.output(), /Admin token \(shown once/, 'no new token is generated while one exists');
});
