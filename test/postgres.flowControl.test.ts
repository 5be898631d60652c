import { test } from 'node:test';
import assert from 'node:assert/strict';
import { peak } from './helpers/peak.js';
import { publishBatches } from './helpers/publishBatches.js';
import { startReceiver } from './helpers/receiver.js';
import { killAll, spawnServer, type ServerProcess } from './helpers/serverProcess.js';
import { apiClient } from './helpers/hookline.js';
import { createTestDatabase, probePostgres, type TestDatabase } from './helpers/postgres.js';
import { until } from './helpers/wait.js';

const ADMIN = 'pg-flow-admin-token-0123456789';
const pgReady = await probePostgres();

test('PostgreSQL: a webhook\u2019s max_in_flight and rate_limit hold across two processes publishing to it', { skip: pgReady.available ? false : pgReady.reason, timeout: 120_000 }, async (t) => {
  let db: TestDatabase | undefined;
  const procs: ServerProcess[] = [];
  let open = 0;
  let most = 0;
  const slow = await startReceiver((_r, res) => {
    open++;
    most = Math.max(most, open);
    setTimeout(() => {
      open--;
      res.end('ok');
    }, 20);
  });
  const limited = await startReceiver();
  t.after(async () => {
    await killAll(procs);
    await slow.close();
    await limited.close();
    await db?.drop();
  });
  db = await createTestDatabase();
  const env = {
    HOOKLINE_DATABASE_URL: db.url,
    HOOKLINE_ADMIN_TOKEN: ADMIN,
    HOOKLINE_ALLOW_PRIVATE_NETWORKS: 'true',
    HOOKLINE_LEASE_MS: '3000',
    HOOKLINE_POLL_MS: '50',
  };
  procs.push(...(await Promise.all([spawnServer(env), spawnServer(env)])));
  const [a, b] = procs as [ServerProcess, ServerProcess];
  const api = apiClient(a.url, ADMIN);
  assert.equal((await api('POST', '/v1/businesses', { id: 'pgf', name: 'PG flow' })).status, 201);
  assert.equal((await api('POST', '/v1/businesses/pgf/webhooks', { url: slow.url, events: ['invoice/paid'], max_in_flight: 2 })).status, 201);
  assert.equal((await api('POST', '/v1/businesses/pgf/webhooks', { url: limited.url, events: ['invoice/paid'], rate_limit: 20 })).status, 201);

  const started = Date.now();
  const ids = (await Promise.all([
    publishBatches(apiClient(a.url, ADMIN), 'pgf', 'a', 60, { per: 10 }),
    publishBatches(apiClient(b.url, ADMIN), 'pgf', 'b', 60, { per: 10 }),
  ])).flat();
  await until('every event reached both receivers', async () => slow.received.length >= ids.length && limited.received.length >= ids.length, 60_000);
  const times = limited.received.map((r) => r.at);
  const span = Math.max(...times) - Math.min(...times);
  t.diagnostic(`max_in_flight 2: at most ${most} open; rate_limit 20/s: ${ids.length} in ${Date.now() - started} ms, spread over ${span} ms, busiest second ${peak(times, 1000)}, busiest three seconds ${peak(times, 3000)}`);
  assert.ok(most <= 2, `the receiver saw ${most} requests open at once`);
  assert.equal(new Set(slow.received.map((r) => r.headers['webhook-id'])).size, ids.length);
  // 120 requests at 20/s take about 6 s however the two processes share them.
  assert.ok(span >= 5500, `120 requests were spread over ${span} ms`);
  // Arrival times are taken in this (busy) test process, so a stall here bunches requests that
  // were sent apart; three-second windows (60 allowed, +15 %) keep that noise out of the verdict.
  assert.ok(peak(times, 3000) <= 69, `busiest three seconds had ${peak(times, 3000)} requests`);
});
