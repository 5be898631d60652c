import { test } from 'node:test';
import assert from 'node:assert/strict';
import { publishBatches } from './helpers/publishBatches.js';
import { startReceiver } from './helpers/receiver.js';
import { killAll, spawnServer, spawnWorker, type ServerProcess } from './helpers/serverProcess.js';
import { apiClient } from './helpers/hookline.js';
import { createTestDatabase, probePostgres, queryTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { until, sleep } from './helpers/wait.js';

const ADMIN = 'pg-scale-admin-token-0123456789';
const pgReady = await probePostgres();

test('PostgreSQL: several processes share one database', { skip: pgReady.available ? false : pgReady.reason, timeout: 180_000 }, async (t) => {
  let db: TestDatabase;
  const procs: ServerProcess[] = [];
  const rx = await startReceiver((_r, res) => setTimeout(() => res.end('ok'), 2));
  t.after(async () => {
    await killAll(procs);
    await rx.close();
    await db?.drop();
  });
  db = await createTestDatabase();
  // A small in-memory budget makes most deliveries go through the shared claim query, so every
  // process (the worker too) takes part; a short lease brings a killed process's work back fast.
  const env = {
    HOOKLINE_DATABASE_URL: db.url,
    HOOKLINE_ADMIN_TOKEN: ADMIN,
    HOOKLINE_ALLOW_PRIVATE_NETWORKS: 'true',
    HOOKLINE_MAX_HELD: '200',
    HOOKLINE_CLAIM_BATCH: '50',
    HOOKLINE_LEASE_MS: '2000',
    HOOKLINE_POLL_MS: '100',
  };
  // Three processes starting together on an empty database: the advisory lock lets one migrate.
  const starting = [spawnServer(env), spawnServer(env), spawnWorker(env)];
  procs.push(...(await Promise.all(starting)));
  const [a, b] = procs as [ServerProcess, ServerProcess, ServerProcess];
  const api = apiClient(a.url, ADMIN);
  assert.equal((await api('POST', '/v1/businesses', { id: 'pg', name: 'PG' })).status, 201);
  assert.equal((await api('POST', '/v1/businesses/pg/webhooks', { url: rx.url, events: ['*'], max_in_flight: 20 })).status, 201);

  await t.test('healthy: 5,000 events published through two processes arrive exactly once each', async () => {
    const ids = (await Promise.all([publishBatches(apiClient(a.url, ADMIN), 'pg', 'h-a', 2500, { refused: 'skip' }), publishBatches(apiClient(b.url, ADMIN), 'pg', 'h-b', 2500, { refused: 'skip' })])).flat();
    assert.equal(ids.length, 5000);
    await until('all 5,000 delivered', async () => new Set(rx.received.map((r) => r.headers['webhook-id'])).size >= 5000, 90_000);
    await sleep(500);
    const counts = new Map<string, number>();
    for (const r of rx.received) counts.set(String(r.headers['webhook-id']), (counts.get(String(r.headers['webhook-id'])) ?? 0) + 1);
    assert.equal(counts.size, 5000);
    assert.deepEqual([...counts.values()].filter((n) => n !== 1), [], 'no event was delivered twice');
    const open = await queryTestDatabase(db.url, "SELECT count(*) AS n FROM deliveries WHERE status <> 'succeeded'");
    assert.equal(Number(open[0]!.n), 0, 'the store agrees: every delivery succeeded');
  });

  await t.test('one process killed with SIGKILL mid-run: every accepted event still arrives, duplicates carry the same id', async () => {
    rx.received.length = 0;
    const fromA = publishBatches(apiClient(a.url, ADMIN), 'pg', 'k-a', 3000, { refused: 'skip', stopOnError: true });
    const fromB = publishBatches(apiClient(b.url, ADMIN), 'pg', 'k-b', 3000, { refused: 'skip' });
    await sleep(700);
    a.child.kill('SIGKILL');
    const ids = [...(await fromA), ...(await fromB)];
    assert.ok(ids.length >= 3000, `accepted ${ids.length}`);
    await until(`all ${ids.length} accepted events delivered`, async () => {
      const got = new Set(rx.received.map((r) => String(r.headers['webhook-id'])));
      return ids.every((id) => got.has(id));
    }, 90_000);
    for (const r of rx.received) assert.equal(JSON.parse(r.body).id, r.headers['webhook-id']);
    const sent = rx.received.length;
    t.diagnostic(`accepted ${ids.length}, requests ${sent}, duplicates ${sent - new Set(rx.received.map((r) => r.headers['webhook-id'])).size}`);
  });
});
