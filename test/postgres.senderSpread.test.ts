import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebhookOwners } from '../src/dispatch/WebhookOwners.js';
import { publishBatches } from './helpers/publishBatches.js';
import { startReceiver, type Received } from './helpers/receiver.js';
import { killAll, spawnServer, type ServerProcess } from './helpers/serverProcess.js';
import { apiClient } from './helpers/hookline.js';
import { createTestSchema, probePostgres, queryTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { until, sleep } from './helpers/wait.js';

/**
 * Issue 19 §3: with several processes on one database, each sends for its share of the webhooks
 * (the owner by rendezvous hashing over the live processes takes the sender lease), whichever
 * process the events were published through; and when one dies the others take its webhooks.
 */

const ADMIN = 'pg-spread-admin-token-0123456789';
const pgReady = await probePostgres();
const WEBHOOKS = 16;

/** Requests per (webhook path, event id): what exactly-once delivery is checked against. */
function countsOf(received: readonly Received[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of received) {
    const key = `${r.url} ${String(r.headers['webhook-id'])}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

test('issue 19: two serve processes on one schema split the sender leases by rendezvous hashing, one takes all after the other is SIGKILLed, and a third joining is handed its share', { skip: pgReady.available ? false : pgReady.reason, timeout: 180_000 }, async (t) => {
  let db: TestDatabase | undefined;
  const procs: ServerProcess[] = [];
  const rx = await startReceiver((_r, res) => setTimeout(() => res.end('ok'), 1));
  t.after(async () => {
    await killAll(procs);
    await rx.close();
    await db?.drop();
  });
  db = await createTestSchema();
  const url = db.url;
  // Fast heartbeats: a killed process is found dead within about a second.
  const env = {
    HOOKLINE_DATABASE_URL: url,
    HOOKLINE_ADMIN_TOKEN: ADMIN,
    HOOKLINE_ALLOW_PRIVATE_NETWORKS: 'true',
    HOOKLINE_HEARTBEAT_MS: '200',
    HOOKLINE_POLL_MS: '100',
  };
  const a = await spawnServer(env);
  procs.push(a);
  const b = await spawnServer(env);
  procs.push(b);
  const apiA = apiClient(a.url, ADMIN);
  const apiB = apiClient(b.url, ADMIN);
  assert.equal((await apiA('POST', '/v1/businesses', { id: 'spread', name: 'Spread' })).status, 201);
  const webhookIds: string[] = [];
  for (let i = 0; i < WEBHOOKS; i++) {
    const r = await apiA<{ id: string }>('POST', '/v1/businesses/spread/webhooks', { url: `${rx.url}/w${i}`, events: ['*'] });
    assert.equal(r.status, 201);
    webhookIds.push(r.body.id);
  }
  const processIds = async (): Promise<Map<number, string>> =>
    new Map((await queryTestDatabase(url, 'SELECT id, pid FROM processes')).map((r) => [Number(r.pid), String(r.id)]));
  const senders = async (): Promise<Map<string, string>> =>
    new Map((await queryTestDatabase(url, 'SELECT webhook_id, owner FROM webhook_senders')).map((r) => [String(r.webhook_id), String(r.owner)]));
  const ids = await until('both processes registered', async () => {
    const m = await processIds();
    return m.has(a.child.pid!) && m.has(b.child.pid!) ? m : null;
  });
  const idA = ids.get(a.child.pid!)!;
  const idB = ids.get(b.child.pid!)!;
  // A reads the processes table on its next beat; after two, both see both.
  await sleep(500);

  await t.test('events published alternately through both: each process sends for the webhooks it owns, every delivery arrives once', async () => {
    const accepted: string[] = [];
    for (let round = 0; round < 10; round++) {
      accepted.push(...(await publishBatches(round % 2 === 0 ? apiA : apiB, 'spread', `alt${round}`, 10)));
    }
    assert.equal(accepted.length, 100);
    const expected = accepted.length * WEBHOOKS;
    await until(`${expected} deliveries received`, async () => countsOf(rx.received).size >= expected, 60_000);
    // Sender leases outlive the last attempt by 10 s of idleness, so they are still there to read.
    const held = await senders();
    const owners = new WebhookOwners(idA);
    owners.setLive([idA, idB]);
    assert.deepEqual(
      webhookIds.map((w) => [w, held.get(w)]),
      webhookIds.map((w) => [w, owners.ownerOf(w)]),
      'each webhook\'s sender is its owner by rendezvous hashing',
    );
    const perProcess = [idA, idB].map((id) => [...held.values()].filter((o) => o === id).length);
    t.diagnostic(`sender leases: ${perProcess.join(' + ')} of ${WEBHOOKS}`);
    assert.ok(perProcess.every((n) => n > 0), `both processes send: ${perProcess.join(' + ')}`);

    await sleep(300);
    const counts = countsOf(rx.received);
    assert.equal(counts.size, expected);
    assert.deepEqual([...counts.values()].filter((n) => n !== 1), [], 'no delivery was sent twice');
    const open = await queryTestDatabase(url, "SELECT count(*) AS n FROM deliveries WHERE status <> 'succeeded'");
    assert.equal(Number(open[0]!.n), 0, 'the store agrees: every delivery succeeded');
  });

  await t.test('B killed with SIGKILL mid-run: A becomes the sender for every webhook, and every accepted event arrives at every webhook', async () => {
    rx.received.length = 0;
    const fromA = publishBatches(apiA, 'spread', 'kill-a', 400, { per: 20 });
    const fromB = publishBatches(apiB, 'spread', 'kill-b', 400, { per: 20, refused: 'skip', stopOnError: true });
    await sleep(300);
    b.child.kill('SIGKILL');
    await b.exited;
    const accepted = [...(await fromA), ...(await fromB)];
    assert.ok(accepted.length >= 400, `accepted ${accepted.length}`);
    // And after the death, through the survivor alone.
    accepted.push(...(await publishBatches(apiA, 'spread', 'after', 40)));
    const want = webhookIds.flatMap((_, i) => accepted.map((id) => `/w${i} ${id}`));
    await until(`all ${want.length} deliveries of the accepted events received`, async () => {
      const got = countsOf(rx.received);
      return want.every((k) => got.has(k));
    }, 90_000);
    for (const r of rx.received) assert.equal(JSON.parse(r.body).id, r.headers['webhook-id'], 'a repeat after the crash carries the same event id');
    const held = await until('A holds every sender lease', async () => {
      const m = await senders();
      return webhookIds.every((w) => m.get(w) === idA) ? m : null;
    }, 20_000);
    assert.equal(held.size, WEBHOOKS);
    assert.deepEqual([...(await processIds()).values()], [idA], 'B\'s row was removed by the heartbeat recovery');
    const sent = rx.received.length;
    t.diagnostic(`accepted ${accepted.length} events, ${want.length} deliveries, ${sent} requests, ${sent - countsOf(rx.received).size} repeats after the crash`);
  });

  await t.test('C joins while A is sending for every webhook: A hands C its share, and every delivery arrives once', async () => {
    rx.received.length = 0;
    const fromA = publishBatches(apiA, 'spread', 'join-a', 600, { per: 20 });
    const c = await spawnServer(env);
    procs.push(c);
    const apiC = apiClient(c.url, ADMIN);
    const idC = (await until('C registered', async () => (await processIds()).get(c.child.pid!)))!;
    const accepted = [...(await publishBatches(apiC, 'spread', 'join-c', 200, { per: 20 })), ...(await fromA)];
    const owners = new WebhookOwners(idA);
    owners.setLive([idA, idC]);
    const expectedOwners = webhookIds.map((w) => [w, owners.ownerOf(w)]);
    const arrived = async (): Promise<void> => {
      const expected = accepted.length * WEBHOOKS;
      await until(`${expected} deliveries received`, async () => countsOf(rx.received).size >= expected, 90_000);
    };
    await arrived();
    // A webhook whose owner was slow to claim may have been rescued by the other process, which
    // keeps it while it is busy. Once every lease has gone idle (10 s), fresh traffic through
    // both finds each webhook's lease taken by its owner.
    await until('every sender lease given back after going idle', async () => (await senders()).size === 0, 30_000);
    for (let round = 0; round < 4; round++) accepted.push(...(await publishBatches(round % 2 === 0 ? apiA : apiC, 'spread', `joined${round}`, 10)));
    await arrived();
    const held = await senders();
    assert.deepEqual(webhookIds.map((w) => [w, held.get(w)]), expectedOwners, 'each webhook\'s sender is its owner among A and C');
    await sleep(300);
    const counts = countsOf(rx.received);
    assert.equal(counts.size, accepted.length * WEBHOOKS);
    assert.deepEqual([...counts.values()].filter((n) => n !== 1), [], 'no delivery was sent twice across the hand-over');
    const perProcess = [idA, idC].map((id) => [...held.values()].filter((o) => o === id).length);
    t.diagnostic(`after C joined, sender leases: ${perProcess.join(' + ')} of ${WEBHOOKS}; ${accepted.length} events`);
  });
});

test('issue 19: a live process that never claims its webhooks strands nothing: after 5 s another process rescues them and becomes their sender', { skip: pgReady.available ? false : pgReady.reason, timeout: 120_000 }, async (t) => {
  let db: TestDatabase | undefined;
  const procs: ServerProcess[] = [];
  let beating: NodeJS.Timeout | undefined;
  const rx = await startReceiver((_r, res) => res.end('ok'));
  t.after(async () => {
    clearInterval(beating);
    await killAll(procs);
    await rx.close();
    await db?.drop();
  });
  db = await createTestSchema();
  const url = db.url;
  const a = await spawnServer({
    HOOKLINE_DATABASE_URL: url,
    HOOKLINE_ADMIN_TOKEN: ADMIN,
    HOOKLINE_ALLOW_PRIVATE_NETWORKS: 'true',
    HOOKLINE_HEARTBEAT_MS: '200',
    HOOKLINE_POLL_MS: '100',
  });
  procs.push(a);
  // A process that beats its heartbeat and does nothing else: what a process whose dispatcher is
  // stuck looks like to the others.
  const phantom = 'wrk_01JZZZZZZZZZZZZZZZZZZZZZZZ';
  const beat = (): Promise<unknown> =>
    queryTestDatabase(url, `INSERT INTO processes (id, host, pid, mode, started_at, heartbeat_at) VALUES ('${phantom}', 'test', 1, 'worker', ${Date.now()}, ${Date.now()})
      ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`);
  await beat();
  beating = setInterval(() => void beat(), 200);
  const apiA = apiClient(a.url, ADMIN);
  assert.equal((await apiA('POST', '/v1/businesses', { id: 'stuck', name: 'Stuck' })).status, 201);
  const webhookIds: string[] = [];
  for (let i = 0; i < WEBHOOKS; i++) {
    const r = await apiA<{ id: string }>('POST', '/v1/businesses/stuck/webhooks', { url: `${rx.url}/w${i}`, events: ['*'] });
    webhookIds.push(r.body.id);
  }
  const idA = String((await queryTestDatabase(url, `SELECT id FROM processes WHERE id <> '${phantom}'`))[0]!.id);
  const owners = new WebhookOwners(idA);
  owners.setLive([idA, phantom]);
  const phantoms = new Set(webhookIds.flatMap((w, i) => (owners.ownerOf(w) === phantom ? [`/w${i}`] : [])));
  assert.ok(phantoms.size > 0 && phantoms.size < WEBHOOKS, `the phantom owns ${phantoms.size} of ${WEBHOOKS}`);
  // A reads the processes table on its next beat.
  await sleep(500);

  const publishedAt = Date.now();
  const accepted = await publishBatches(apiA, 'stuck', 'stuck', 20);
  const expected = accepted.length * WEBHOOKS;
  await until(`${expected} deliveries received`, async () => countsOf(rx.received).size >= expected, 30_000);
  const counts = countsOf(rx.received);
  assert.deepEqual([...counts.values()].filter((n) => n !== 1), [], 'each delivery sent once');
  const firstAt = (own: boolean): number => Math.min(...rx.received.filter((r) => phantoms.has(r.url) === own).map((r) => r.at));
  // A's own webhooks go at once; the phantom's wait for it, then for the rescue after 5 s.
  assert.ok(firstAt(false) - publishedAt < 3000, `A's own webhooks: first after ${firstAt(false) - publishedAt} ms`);
  assert.ok(firstAt(true) - publishedAt >= 4500, `the phantom's webhooks: first after ${firstAt(true) - publishedAt} ms`);
  const held = await queryTestDatabase(url, 'SELECT DISTINCT owner FROM webhook_senders');
  assert.deepEqual(held.map((r) => r.owner), [idA], 'A rescued the phantom\'s webhooks and holds their leases');
  t.diagnostic(`the phantom's ${phantoms.size} webhooks: first delivery after ${firstAt(true) - publishedAt} ms; A's: ${firstAt(false) - publishedAt} ms`);
});
