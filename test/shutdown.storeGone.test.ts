import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startReceiver } from './helpers/receiver.js';
import { killAll, spawnServer, type ServerProcess } from './helpers/serverProcess.js';
import { apiClient } from './helpers/hookline.js';
import { POSTGRES_TEST_URL, createTestSchema, probePostgres, queryTestDatabase } from './helpers/postgres.js';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from './helpers/privatePostgres.js';
import { until } from './helpers/wait.js';
import type { ApiBatchAccepted } from './helpers/apiShapes.js';

/**
 * A SIGTERM while the database cannot take writes: the stop gives up a second after
 * HOOKLINE_SHUTDOWN_GRACE_MS, says what it abandoned and why, and the process exits. What it
 * could not write (outcomes of attempts it made, leases it held) is left to lease recovery;
 * once the database is back, a new process sends every accepted event: none is lost.
 */

const ADMIN = 'shutdown-admin-token-0123456789';
const GRACE_MS = 2000;
/** The second of last writes (LAST_WRITES_MS), closing, and the process's own exit. */
const EXIT_MARGIN_MS = 2500;
const IN_FLIGHT = 4;
const pgReady = await probePostgres();
const noPrivatePostgres = await privatePostgresUnavailable();

/** What a journey needs from its database: settings for the server, and the fault to switch on and off. */
interface Fault {
  env: Record<string, string>;
  /** How many events to publish: more than are in flight leaves some queued at the SIGTERM. */
  events: number;
  /** An ordered webhook: one attempt in flight, and its lane waits for each outcome to be stored. */
  fifo?: boolean;
  /** The database stops taking the server's writes. */
  break(): Promise<void>;
  /** It takes them again. */
  mend(): Promise<void>;
}

/** A receiver that holds every request open until told to answer, so attempts are in flight at the SIGTERM. */
async function holdingReceiver(t: TestContext) {
  const held: ServerResponse[] = [];
  let holding = true;
  const rx = await startReceiver((_r, res) => {
    if (holding) held.push(res);
    else res.end('ok');
  });
  t.after(() => rx.close());
  return {
    rx,
    answerFromNowOn(): void {
      holding = false;
      for (const res of held.splice(0)) res.destroy();
    },
  };
}

async function publishAll(server: ServerProcess, url: string, n: number, fifo: boolean): Promise<string[]> {
  const api = apiClient(server.url, ADMIN);
  assert.equal((await api('POST', '/v1/businesses', { id: 'acme', name: 'Acme' })).status, 201);
  const webhook = { url, events: ['*'], max_in_flight: IN_FLIGHT, timeout_ms: 30_000, ...(fifo ? { ordering: 'fifo' } : {}) };
  assert.equal((await api('POST', '/v1/businesses/acme/webhooks', webhook)).status, 201);
  const events = Array.from({ length: n }, (_, i) => ({ id: `gone-${i}`, type: 'invoice/paid', data: { n: i } }));
  const r = await api<ApiBatchAccepted>('POST', '/v1/businesses/acme/events/batch', { events });
  assert.equal(r.status, 202);
  return r.body.data.map((e) => e.id);
}

/** The exit code, or 'still running' when the process outlived `ms`. */
async function exitWithin(server: ServerProcess, ms: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const outlived = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still running'), ms)));
  try {
    return await Promise.race([server.exited, outlived]);
  } finally {
    clearTimeout(timer);
  }
}

async function storeGoneAtShutdown(t: TestContext, fault: Fault, procs: ServerProcess[]): Promise<void> {
  const { rx, answerFromNowOn } = await holdingReceiver(t);
  const env = { ...fault.env, HOOKLINE_ADMIN_TOKEN: ADMIN, HOOKLINE_ALLOW_PRIVATE_NETWORKS: 'true', HOOKLINE_SHUTDOWN_GRACE_MS: String(GRACE_MS) };
  const first = await spawnServer(env);
  procs.push(first);
  const inFlight = fault.fifo ? 1 : IN_FLIGHT;
  const ids = await publishAll(first, rx.url, fault.events, fault.fifo ?? false);
  await rx.waitFor(inFlight);

  await fault.break();
  const signalledAt = Date.now();
  first.child.kill('SIGTERM');
  const code = await exitWithin(first, GRACE_MS + EXIT_MARGIN_MS + 10_000);
  const tookMs = Date.now() - signalledAt;
  assert.equal(code, 0, `the process exits cleanly:\n${first.output()}`);
  assert.ok(tookMs < GRACE_MS + EXIT_MARGIN_MS, `exited ${tookMs} ms after SIGTERM; the bound is ${GRACE_MS + EXIT_MARGIN_MS} ms`);
  const line = /(\d+) attempt outcome writes abandoned and (\d+) deliveries left leased to this process, because (.+?); nothing is lost/.exec(first.output());
  assert.ok(line, `the stop says what it abandoned and why:\n${first.output()}`);
  assert.equal(Number(line[1]), inFlight, 'the attempts cut at the end of the grace period');
  assert.equal(Number(line[2]), fault.events, 'every delivery it held, sent or not');
  t.diagnostic(`exited ${tookMs} ms after SIGTERM (grace ${GRACE_MS} ms); reason given: ${line[3]}`);

  await fault.mend();
  answerFromNowOn();
  const since = Date.now();
  // The lease is the default 120 s: arriving well before that is recovery giving them back.
  const second = await spawnServer(env);
  procs.push(second);
  await until(`all ${ids.length} accepted events delivered after the restart`, async () => {
    const got = new Set(rx.received.filter((r) => r.at >= since).map((r) => String(r.headers['webhook-id'])));
    return ids.every((id) => got.has(id));
  }, 30_000);
  t.diagnostic(`all ${ids.length} arrived ${Date.now() - since} ms after the restart (lease: 120 s)`);

  second.child.kill('SIGTERM');
  assert.equal(await exitWithin(second, GRACE_MS + EXIT_MARGIN_MS), 0);
  assert.doesNotMatch(second.output(), /gave up on the database/, 'a stop on a working store abandons nothing');
}

test('PostgreSQL: SIGTERM while its schema is gone and attempts are in flight; the process exits within the grace period and a second, and after the schema is back every event arrives', { skip: pgReady.available ? false : pgReady.reason, timeout: 90_000 }, async (t) => {
  const db = await createTestSchema();
  const away = `${db.name}_away`;
  const procs: ServerProcess[] = [];
  // After hooks run in the order added: the servers go before the schema does.
  t.after(() => killAll(procs));
  t.after(async () => {
    await queryTestDatabase(POSTGRES_TEST_URL, `ALTER SCHEMA ${away} RENAME TO ${db.name}`).catch(() => undefined);
    await db.drop();
  });
  const admin = (sql: string) => queryTestDatabase(POSTGRES_TEST_URL, sql);
  await storeGoneAtShutdown(t, {
    env: { HOOKLINE_DATABASE_URL: db.url },
    // Queued deliveries to give back as well as attempts in flight.
    events: 40,
    async break() {
      // Its tables leave the server's search path, and its sessions are ended so that none
      // keeps a plan that still finds them: every statement fails from now on.
      await admin(`ALTER SCHEMA ${db.name} RENAME TO ${away}`);
      await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '${db.name}' AND pid <> pg_backend_pid()`);
    },
    async mend() {
      await admin(`ALTER SCHEMA ${away} RENAME TO ${db.name}`);
    },
  }, procs);
});

/** A SQLite file of the test's own; while broken, a second connection holds its write lock. */
function sqliteWriteLocked(t: TestContext, procs: ServerProcess[]): Pick<Fault, 'env' | 'break' | 'mend'> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-shutdown-'));
  const path = join(dir, 'hookline.db');
  let locker: Database.Database | null = null;
  t.after(async () => {
    await killAll(procs);
    locker?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    // A short busy_timeout: each refused write stalls the store for that long.
    env: { HOOKLINE_DATABASE_URL: `file:${path}?busy_timeout=100` },
    async break() {
      // Root ignores file permissions, so a lock is the reliable way to refuse writes here.
      locker = new Database(path);
      locker.exec('BEGIN EXCLUSIVE');
    },
    async mend() {
      locker!.exec('COMMIT');
      locker!.close();
      locker = null;
    },
  };
}

test('SQLite: SIGTERM while another connection holds the write lock and attempts are in flight, nothing else queued; the process exits within the grace period and a second, and once the lock is let go every event arrives', { timeout: 90_000 }, async (t) => {
  const procs: ServerProcess[] = [];
  // Only attempts in flight: their outcomes are all that is left to write.
  await storeGoneAtShutdown(t, { ...sqliteWriteLocked(t, procs), events: IN_FLIGHT }, procs);
});

test('SQLite, an ordered webhook: SIGTERM while the write lock is held and its head is in flight; its lane, waiting for the outcome to be stored, does not hold the stop, and every event arrives later', { timeout: 90_000 }, async (t) => {
  const procs: ServerProcess[] = [];
  await storeGoneAtShutdown(t, { ...sqliteWriteLocked(t, procs), events: 5, fifo: true }, procs);
});

test('PostgreSQL down: SIGTERM while the server is stopped and attempts are in flight; the process exits within the grace period and a second, and after the server is back every event arrives', { skip: noPrivatePostgres ?? false, timeout: 120_000 }, async (t) => {
  // A server of the test's own: the shared one serves other tests and must never be stopped.
  let server: PrivatePostgres | undefined;
  const procs: ServerProcess[] = [];
  t.after(async () => {
    await killAll(procs);
    await server?.destroy();
  });
  server = await startPrivatePostgres();
  const pg = server;
  await storeGoneAtShutdown(t, {
    // connect_timeout: a connection to a server that is down is refused at once anyway; this bounds one that hangs.
    env: { HOOKLINE_DATABASE_URL: `${pg.url}?connect_timeout=2` },
    events: 40,
    // A crash, not a clean shutdown: every connection cut at once, new ones refused.
    break: () => pg.stop('immediate'),
    mend: () => pg.start(),
  }, procs);
});
