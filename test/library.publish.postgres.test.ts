import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import pg from 'pg';
import { publish, HooklineError, type PublishEventInput } from '../src/index.js';
import { builtinEventTypes } from '../src/catalog/builtinEventTypes.js';
import { apiClient, type ApiClient } from './helpers/hookline.js';
import type { ApiEvent, ApiProblem, ApiWebhook } from './helpers/apiShapes.js';
import { afterClaimLoopTurn } from './helpers/claimLoopTurn.js';
import { createTestDatabase, createTestSchema, POSTGRES_TEST_URL, probePostgres, queryTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { runCli } from './helpers/runCli.js';
import { startReceiver } from './helpers/receiver.js';
import { killAll, spawnServer, type ServerProcess } from './helpers/serverProcess.js';
import { until } from './helpers/wait.js';

/**
 * Publishing inside the platform's own PostgreSQL transaction (issue 17 §3): `publish(client, …)`
 * from Node and `publish(…)` in SQL. Hookline runs as a real `hookline serve` process on a schema
 * of its own; the platform's connection is a plain pg.Client whose search_path does not reach it.
 */

const pgReady = await probePostgres();
const skip = pgReady.available ? false : pgReady.reason;
const ADMIN = 'library-publish-admin-token-0123456789';
const example = builtinEventTypes.find((t) => t.type === 'client/created')!.example as Record<string, unknown>;

let db: TestDatabase;
let env: Record<string, string>;
let api: ApiClient;
const procs: ServerProcess[] = [];
let rx: Awaited<ReturnType<typeof startReceiver>>;
let platform: pg.Client;

const delivered = (id: string): number => rx.received.filter((r) => r.headers['webhook-id'] === id).length;
const ev = (id: string): PublishEventInput => ({ type: 'client/created', data: { ...example, id: 7 }, id });

async function startServer(): Promise<void> {
  const p = await spawnServer(env);
  procs.push(p);
  api = apiClient(p.url, ADMIN);
}

/** The platform's own transaction: its invoice row and the event, committed or rolled back together. */
async function platformTransaction(invoice: string, event: PublishEventInput, end: 'COMMIT' | 'ROLLBACK') {
  await platform.query('BEGIN');
  await platform.query('INSERT INTO invoices (id) VALUES ($1)', [invoice]);
  const published = await publish(platform, 'shop', event, { schema: db.name });
  await platform.query(end);
  return published;
}

before(async () => {
  if (skip) return;
  db = await createTestSchema();
  rx = await startReceiver();
  // Polling once a minute: what arrives within the tests' seconds was woken by the commit's
  // NOTIFY, or claimed when a process started, not found by a poll.
  env = { HOOKLINE_DATABASE_URL: db.url, HOOKLINE_ADMIN_TOKEN: ADMIN, HOOKLINE_ALLOW_PRIVATE_NETWORKS: 'true', HOOKLINE_POLL_MS: '60000', HOOKLINE_LEASE_MS: '2000' };
  await startServer();
  assert.equal((await api('POST', '/v1/businesses', { id: 'shop', name: 'Shop' })).status, 201);
  assert.equal((await api<ApiWebhook>('POST', '/v1/businesses/shop/webhooks', { name: 'crm', url: `${rx.url}/hooks`, events: ['client/*'] })).status, 201);
  // The platform connects as it always does: its own search_path, which is not Hookline's schema.
  platform = new pg.Client({ connectionString: POSTGRES_TEST_URL });
  await platform.connect();
  await platform.query('CREATE TEMP TABLE invoices (id text PRIMARY KEY)');
});
after(async () => {
  if (skip) return;
  await platform?.end();
  await killAll(procs);
  await rx?.close();
  await db?.drop();
});

test('journey: the platform commits its write and the event together; the running server delivers it once, signed, as the API would have', { skip }, async () => {
  const published = await platformTransaction('inv-1', ev('tx-commit-1'), 'COMMIT');
  assert.deepEqual({ ...published, occurred_at: '', created_at: '' }, {
    id: 'tx-commit-1', business: 'shop', type: 'client/created', occurred_at: '', created_at: '', deliveries: 1, duplicate: false,
  });
  await rx.waitFor(1);
  const body = JSON.parse(rx.received.find((r) => r.headers['webhook-id'] === 'tx-commit-1')!.body) as { type: string; data: { id: number } };
  assert.equal(body.type, 'client/created');
  assert.equal(body.data.id, 7);
  assert.equal((await api<ApiEvent>('GET', '/v1/businesses/shop/events/tx-commit-1')).status, 200);
  // The platform's search_path is its own again after the publish.
  assert.equal((await platform.query<{ p: string }>("SELECT current_setting('search_path') AS p")).rows[0]!.p, '"$user", public');

  // Publishing the same id again is idempotent, as in the API.
  const again = await platformTransaction('inv-1b', ev('tx-commit-1'), 'COMMIT');
  assert.equal(again.duplicate, true);
  await afterClaimLoopTurn(api, 'shop');
  assert.equal(delivered('tx-commit-1'), 1);
});

test('a rolled-back transaction stores nothing and delivers nothing', { skip }, async () => {
  await platformTransaction('inv-2', ev('tx-rolled-back'), 'ROLLBACK');
  await platformTransaction('inv-3', ev('tx-after-rollback'), 'COMMIT');
  await until('the later event is delivered', async () => delivered('tx-after-rollback') === 1);
  await afterClaimLoopTurn(api, 'shop');
  assert.equal(delivered('tx-rolled-back'), 0);
  assert.equal((await api<ApiProblem>('GET', '/v1/businesses/shop/events/tx-rolled-back')).status, 404);
  assert.deepEqual(await queryTestDatabase(db.url, "SELECT id FROM deliveries WHERE event_id = 'tx-rolled-back'"), []);
});

test('what the API refuses, publish refuses with the same code, before writing; the caller\u2019s transaction stays usable', { skip }, async () => {
  const deep: Record<string, unknown> = {};
  let at = deep;
  for (let i = 0; i < 80; i++) at = (at.next = {}) as Record<string, unknown>;
  const cases: [unknown, unknown, string][] = [
    ['nobody', ev('x-1'), 'BUSINESS_NOT_FOUND'],
    ['shop', { type: 'client/eaten', data: {} }, 'UNKNOWN_EVENT_TYPE'],
    ['shop', { type: 'client/created', data: { ...example, email: 42 } }, 'EVENT_DATA_INVALID'],
    ['shop', { type: 'client/created', data: [example] }, 'EVENT_DATA_INVALID'],
    ['shop', { type: 'client/created', data: 42 }, 'EVENT_DATA_INVALID'],
    ['shop', { type: 'client/created', data: deep }, 'BODY_TOO_DEEP'],
    ['shop', { type: 'hookline/webhook.disabled', data: {} }, 'RESERVED_EVENT_TYPE'],
    ['shop', { type: 'client/created\u0000', data: example }, 'UNKNOWN_EVENT_TYPE'],
    ['shop', { type: ['client/created'], data: example }, 'UNKNOWN_EVENT_TYPE'],
    ['shop', { type: 'client/created', data: example, id: 'has spaces' }, 'EVENT_DATA_INVALID'],
    ['shop', { type: 'client/created', data: example, id: 12 }, 'EVENT_DATA_INVALID'],
    ['shop', { type: 'client/created', data: example, occurred_at: 'yesterday' }, 'EVENT_DATA_INVALID'],
    ['shop', { type: 'client/created', data: example, extra: 1 }, 'BAD_REQUEST'],
    ['shop', {}, 'UNKNOWN_EVENT_TYPE'],
    ['shop', null, 'BAD_REQUEST'],
    ['shop', [ev('x-2')], 'BAD_REQUEST'],
    [['shop'], ev('x-3'), 'BAD_REQUEST'],
    ['', ev('x-4'), 'BAD_REQUEST'],
    ['shop\u0007', ev('x-5'), 'BAD_REQUEST'],
  ];
  await platform.query('BEGIN');
  await platform.query("INSERT INTO invoices (id) VALUES ('inv-refused')");
  for (const [business, input, code] of cases) {
    await assert.rejects(
      publish(platform, business as string, input as PublishEventInput, { schema: db.name }),
      (err: unknown) => err instanceof HooklineError && err.code === code && err.status >= 400 && err.status < 500,
      `${JSON.stringify(business)} ${JSON.stringify(input)?.slice(0, 80)}: expected ${code}`,
    );
  }
  for (const schema of ['', 7, 'a\u0000b']) {
    await assert.rejects(publish(platform, 'shop', ev('x-6'), { schema: schema as string }), (err: unknown) => err instanceof HooklineError && err.code === 'BAD_REQUEST');
  }
  await platform.query('COMMIT');
  assert.equal((await platform.query("SELECT id FROM invoices WHERE id = 'inv-refused'")).rowCount, 1, 'the platform\u2019s own write committed');
  assert.deepEqual(await queryTestDatabase(db.url, "SELECT id FROM events WHERE id LIKE 'x-%'"), []);
});

test('a server stopped dead between the commit and sending (SIGSTOP, then SIGKILL): a restarted one delivers the event once', { skip, timeout: 60_000 }, async () => {
  const victim = procs.at(-1)!;
  // Frozen, it is still connected and LISTENing: the commit's notification reaches a process that never acts on it.
  victim.child.kill('SIGSTOP');
  await platformTransaction('inv-4', ev('tx-crash'), 'COMMIT');
  victim.child.kill('SIGKILL');
  await victim.exited;
  await startServer();
  await until('the event published before the crash is delivered', async () => delivered('tx-crash') >= 1, 20_000);
  await afterClaimLoopTurn(api, 'shop');
  assert.equal(delivered('tx-crash'), 1);
});

/** psql in Hookline's schema (PGOPTIONS: libpq reads no "+" as a space in a URL's options). */
function psql(sql: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const url = new URL(db.url);
  url.searchParams.delete('options');
  const env = { ...process.env, PGOPTIONS: `-c search_path=${db.name}` };
  return new Promise((resolve) => {
    execFile('psql', [url.toString(), '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql], { timeout: 10_000, env }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('the SQL function from psql: committed delivers once, rolled back nothing; it refuses what it can check', { skip }, async () => {
  const data = JSON.stringify({ ...example, id: 9 }).replace(/'/g, "''");
  const committed = await psql(`BEGIN; SELECT publish('shop', 'client/created', '${data}', 'sql-commit'); COMMIT;`);
  assert.equal(committed.code, 0, committed.stderr);
  assert.equal(committed.stdout.trim(), 'sql-commit');
  const rolledBack = await psql(`BEGIN; SELECT publish('shop', 'client/created', '${data}', 'sql-rollback'); ROLLBACK;`);
  assert.equal(rolledBack.code, 0, rolledBack.stderr);
  await until('the committed event is delivered', async () => delivered('sql-commit') === 1);
  const body = JSON.parse(rx.received.find((r) => r.headers['webhook-id'] === 'sql-commit')!.body) as { data: { id: number } };
  assert.equal(body.data.id, 9);

  // Without an id it makes one as Hookline does (evt_ + a ULID of now); the delivery's id too.
  const made = (await psql(`SELECT publish('shop', 'client/updated', '{}')`)).stdout.trim();
  assert.match(made, /^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
  const [row] = await queryTestDatabase(db.url, `SELECT id, created_at FROM deliveries WHERE event_id = '${made}'`);
  assert.match(String(row!.id), /^dlv_[0-9A-HJKMNP-TV-Z]{26}$/);
  const { decodeTime } = await import('ulidx');
  assert.ok(Math.abs(decodeTime(String(row!.id).slice(4)) - Number(row!.created_at)) <= 1);

  for (const [sql, message] of [
    ["SELECT publish('nobody', 'client/created', '{}')", /no business 'nobody'/],
    ["SELECT publish('shop', 'Client Created', '{}')", /is not entity\/action/],
    ["SELECT publish('shop', 'client/eaten', '{}')", /unknown event type 'client\/eaten'/],
    ["SELECT publish('shop', 'hookline/webhook.disabled', '{}')", /Hookline's own operational events/],
    ["SELECT publish('shop', 'client/created', '[1]')", /must be a JSON object, not array/],
    ["SELECT publish('shop', 'client/created', '{}', 'has spaces')", /is not 1-128 letters/],
  ] as const) {
    const refused = await psql(sql);
    assert.notEqual(refused.code, 0, sql);
    assert.match(refused.stderr, message);
  }

  await afterClaimLoopTurn(api, 'shop');
  assert.equal(delivered('sql-commit'), 1);
  assert.equal(delivered('sql-rollback'), 0);
});

test('the SQL function from another schema\u2019s session, schema-qualified, inside the platform\u2019s transaction', { skip }, async () => {
  await platform.query('BEGIN');
  await platform.query("INSERT INTO invoices (id) VALUES ('inv-sql')");
  const { rows } = await platform.query<{ id: string }>(`SELECT ${db.name}.publish($1, $2, $3::json, $4) AS id`, ['shop', 'client/created', JSON.stringify(example), 'sql-qualified']);
  await platform.query('COMMIT');
  assert.equal(rows[0]!.id, 'sql-qualified');
  await until('delivered', async () => delivered('sql-qualified') === 1);
  const unknownBusiness = platform.query(`SELECT ${db.name}.publish('nobody', 'client/created', '{}')`);
  await assert.rejects(unknownBusiness, (err: { code?: string }) => err.code === 'P0002');
});

test('a type registered through the API is known to both: publish checks its schema, the SQL function accepts it', { skip }, async () => {
  const reg = await api('POST', '/v1/event-types', {
    type: 'class/waitlisted',
    description: 'A client joined the waitlist of a full class.',
    schema: { type: 'object', required: ['class_id'], properties: { class_id: { type: 'string' } } },
    example: { class_id: 'c-1' },
  });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const ok = await publish(platform, 'shop', { type: 'class/waitlisted', data: { class_id: 'c-9' } }, { schema: db.name });
  assert.equal(ok.deliveries, 0, 'no webhook takes class/ events');
  await assert.rejects(
    publish(platform, 'shop', { type: 'class/waitlisted', data: {} }, { schema: db.name }),
    (err: unknown) => err instanceof HooklineError && err.code === 'EVENT_DATA_INVALID' && /class_id/.test(err.message),
  );
  const viaSql = await psql("SELECT publish('shop', 'class/waitlisted', '{\"class_id\": \"c-10\"}', 'sql-registered')");
  assert.equal(viaSql.code, 0, viaSql.stderr);
  assert.equal(viaSql.stdout.trim(), 'sql-registered');
});

test('a default installation (tables in public) is called hookline.publish, as any language would write it', { skip }, async (t) => {
  const fresh = await createTestDatabase();
  const migrated = await runCli(['migrate'], { HOOKLINE_DATABASE_URL: fresh.url });
  assert.equal(migrated.code, 0, migrated.stderr);
  const client = new pg.Client({ connectionString: fresh.url });
  await client.connect();
  t.after(async () => {
    await client.end();
    await fresh.drop();
  });
  await client.query("INSERT INTO businesses (id, name, created_at) VALUES ('studio', 'Studio', 0)");
  await client.query('BEGIN');
  const { rows } = await client.query<{ id: string }>("SELECT hookline.publish('studio', 'client/created', $1::json, 'c-default') AS id", [JSON.stringify(example)]);
  await client.query('COMMIT');
  assert.equal(rows[0]!.id, 'c-default');
  assert.equal((await client.query("SELECT count(*)::int AS n FROM public.events WHERE id = 'c-default'")).rows[0]!.n, 1);
  await client.query('BEGIN');
  await client.query("SELECT hookline.publish('studio', 'client/created', $1::json, 'c-rolled-back')", [JSON.stringify(example)]);
  await client.query('ROLLBACK');
  assert.equal((await client.query("SELECT count(*)::int AS n FROM public.events WHERE id = 'c-rolled-back'")).rows[0]!.n, 0);
  await assert.rejects(client.query("SELECT hookline.publish('nobody', 'client/created', '{}')"), (err: { code?: string }) => err.code === 'P0002');
});
