import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../src/config.js';
import { startHookline, type HooklineHandle } from '../src/app.js';
import { SecretBox } from '../src/secrets/SecretBox.js';
import { WEBHOOK_COLUMNS } from '../src/store/columns.js';
import { apiClient, type ApiClient } from './helpers/hookline.js';
import type { ApiWebhook } from './helpers/apiShapes.js';
import { createTestSchema, probePostgres, queryTestDatabase } from './helpers/postgres.js';
import { startReceiver } from './helpers/receiver.js';
import { spawnServer, type ServerProcess } from './helpers/serverProcess.js';
import { until } from './helpers/wait.js';

/**
 * Issue 19 §2: the first start with an encryption key is healthy within the start-up target
 * and encrypts the stored secrets after that, in the background, while the server publishes,
 * delivers and takes webhook changes. Enough webhooks that the rewrite is still running when
 * the test acts (each test checks that it was), on each store.
 */

const ADMIN = 'rewrite-test-admin-token-0123456789';
const FILLERS = 20_000;
const pgReady = await probePostgres();

interface Db {
  /** A database URL the server takes. */
  url: string;
  /**
   * Removes the database. The test registers it after the hooks that stop its servers: after
   * hooks run in the order they were added, and a server stopped on a dropped schema would retry
   * its writes until its stop gives up.
   */
  remove(): Promise<void>;
  query(sql: string): Promise<Record<string, unknown>[]>;
}

async function sqliteDb(): Promise<Db> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-rewrite-'));
  const path = join(dir, 'hookline.db');
  return {
    url: `file:${path}`,
    remove: async () => rmSync(dir, { recursive: true, force: true }),
    async query(sql) {
      // A connection of its own, as another program reading the file would open.
      const db = new Database(path);
      try {
        const stmt = db.prepare(sql);
        return stmt.reader ? (stmt.all() as Record<string, unknown>[]) : (stmt.run(), []);
      } finally {
        db.close();
      }
    },
  };
}

async function postgresDb(): Promise<Db> {
  const schema = await createTestSchema();
  return { url: `${schema.url}&pool_max=4`, remove: () => schema.drop(), query: (sql) => queryTestDatabase(schema.url, sql) };
}

const stores = [
  { name: 'sqlite', open: sqliteDb, skip: false as const },
  { name: 'postgres', open: postgresDb, skip: pgReady.available ? (false as const) : pgReady.reason },
];

interface Logged {
  handle: HooklineHandle;
  api: ApiClient;
  logs: () => string;
}

async function start(db: Db, encryptionKey: string | null): Promise<Logged> {
  let out = '';
  const sink = new Writable({ write: (chunk, _e, done) => ((out += String(chunk)), done()) });
  const config = loadConfig({}, { port: 0, databaseUrl: db.url, adminToken: ADMIN, allowPrivateNetworks: true, pollMs: 50, logLevel: 'info', ...(encryptionKey ? { encryptionKey } : {}) });
  const handle = await startHookline(config, { mode: 'serve', logger: pino({ level: 'info' }, sink) });
  return { handle, api: apiClient(handle.url!, ADMIN), logs: () => out };
}

interface Seeded {
  /** Subscribed to invoice/paid, with a secret header. */
  a: ApiWebhook;
  /** Subscribed to client/created; its secret is rotated during the rewrite. */
  b: ApiWebhook;
  /** Renamed during the rewrite: a change that does not touch its secrets. */
  c: ApiWebhook;
}

/** Webhooks written with no key (secrets in the clear), plus FILLERS copies of one in another business. */
async function seedPlain(db: Db, urls: { a: string; b: string }): Promise<Seeded> {
  const plain = await start(db, null);
  let seeded: Seeded;
  let template: ApiWebhook;
  try {
    const api = plain.api;
    assert.equal((await api('POST', '/v1/businesses', { id: 'live', name: 'Live' })).status, 201);
    assert.equal((await api('POST', '/v1/businesses', { id: 'fill', name: 'Fill' })).status, 201);
    const create = async (b: string, body: object): Promise<ApiWebhook> => {
      const r = await api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, body);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body;
    };
    seeded = {
      a: await create('live', { url: urls.a, events: ['invoice/paid'], headers: { 'X-Api-Key': 'live-header-value-a' } }),
      b: await create('live', { url: urls.b, events: ['client/created'] }),
      c: await create('live', { url: 'http://127.0.0.1:9/c', events: ['client/updated'] }),
    };
    template = await create('fill', { url: 'http://127.0.0.1:9/fill', events: ['client/deleted'], headers: { Authorization: 'Bearer filler-token' } });
  } finally {
    await plain.handle.stop();
  }
  const others = WEBHOOK_COLUMNS.filter((col) => col !== 'id').join(', ');
  await db.query(
    db.url.startsWith('file:')
      ? `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${FILLERS})
         INSERT INTO webhooks (id, ${others}) SELECT printf('wh_fill_%06d', s.i), ${others} FROM s, webhooks WHERE id = '${template.id}'`
      : `INSERT INTO webhooks (id, ${others}) SELECT 'wh_fill_' || lpad(i::text, 6, '0'), ${others} FROM generate_series(1, ${FILLERS}) i, webhooks WHERE id = '${template.id}'`,
  );
  return seeded;
}

/** Every stored secret value of every live webhook, as the database holds it. */
async function storedValues(db: Db): Promise<string[]> {
  const rows = await db.query('SELECT secret, previous_secret, headers FROM webhooks WHERE deleted_at IS NULL');
  return rows.flatMap((r) => {
    const headers = (typeof r.headers === 'string' ? JSON.parse(r.headers) : r.headers) as Record<string, string>;
    return [String(r.secret), ...(r.previous_secret ? [String(r.previous_secret)] : []), ...Object.values(headers)];
  });
}

async function recordedKey(db: Db): Promise<string | null> {
  const rows = await db.query("SELECT value FROM meta WHERE key = 'secrets_key_id'");
  return rows[0] ? String(rows[0].value) : null;
}

describe('issue 19 §2: the first start with a key serves first and encrypts in the background', { concurrency: false }, () => {
  for (const store of stores) {
    test(`${store.name}: healthy at once; publishes delivered and verified, API changes kept, every value encrypted after, nothing left for a restart`, { skip: store.skip, timeout: 120_000 }, async (t) => {
      const db = await store.open();
      const rxA = await startReceiver();
      t.after(() => rxA.close());
      const rxB = await startReceiver();
      t.after(() => rxB.close());
      const seeded = await seedPlain(db, { a: rxA.url, b: rxB.url });
      const before = await storedValues(db);
      assert.equal(before.length, 4 + 2 * (FILLERS + 1), 'every secret and header value is there');
      assert.ok(before.includes(seeded.a.secret) && before.includes('live-header-value-a'), 'the test can fail: values are stored in the clear');

      const key = SecretBox.generateKey();
      const keyId = SecretBox.fromConfig({ encryptionKey: key, encryptionKeysOld: null }).keyId!;
      const t0 = performance.now();
      const keyed = await start(db, key);
      let stopped = false;
      t.after(() => (stopped ? undefined : keyed.handle.stop()));
      t.after(() => db.remove());
      const startMs = performance.now() - t0;
      const api = keyed.api;
      assert.equal((await fetch(`${keyed.handle.url}/healthz`)).status, 200);
      assert.match(keyed.logs(), /re-encrypting under the configured key in the background/);

      // While the rewrite runs: publishes to a webhook not yet rewritten, a rotation, a rename.
      for (let i = 0; i < 5; i++) assert.equal((await api('POST', '/v1/businesses/live/events', { type: 'invoice/paid', data: { i } })).status, 202);
      const rotated = await api<ApiWebhook>('POST', `/v1/businesses/live/webhooks/${seeded.b.id}/rotate-secret`);
      assert.equal(rotated.status, 200);
      assert.notEqual(rotated.body.secret, seeded.b.secret);
      assert.equal((await api('PATCH', `/v1/businesses/live/webhooks/${seeded.c.id}`, { name: 'renamed during the rewrite' })).status, 200);
      for (let i = 0; i < 5; i++) assert.equal((await api('POST', '/v1/businesses/live/events', { type: 'client/created', data: { i } })).status, 202);
      assert.notEqual(await recordedKey(db), keyId, `the test can fail: all of it happened while the rewrite ran (started in ${Math.round(startMs)} ms)`);

      await until('the background rewrite has finished', async () => (await recordedKey(db)) === keyId, 60_000);
      await rxA.waitFor(5);
      await rxB.waitFor(5);
      for (const r of rxA.received) {
        assert.doesNotThrow(() => new Webhook(seeded.a.secret).verify(r.body, r.headers as Record<string, string>));
        assert.equal(r.headers['x-api-key'], 'live-header-value-a');
      }
      for (const r of rxB.received) assert.doesNotThrow(() => new Webhook(rotated.body.secret).verify(r.body, r.headers as Record<string, string>), 'signed with the secret the rotation set');

      const after = await storedValues(db);
      assert.equal(after.length, before.length + 1, 'the rotation added a previous secret, nothing else changed in number');
      assert.deepEqual([...new Set(after.map(SecretBox.keyIdOf))], [keyId], 'every stored value is under the key');
      const b = (await api<ApiWebhook>('GET', `/v1/businesses/live/webhooks/${seeded.b.id}`)).body;
      assert.equal(b.secret, rotated.body.secret, 'the rotation made during the rewrite was not overwritten');
      const c = (await api<ApiWebhook>('GET', `/v1/businesses/live/webhooks/${seeded.c.id}`)).body;
      assert.deepEqual([c.name, c.secret], ['renamed during the rewrite', seeded.c.secret], 'the rename kept, its secret unchanged');
      assert.match(keyed.logs(), /webhook secrets re-encrypted under the configured key/);

      await keyed.handle.stop();
      stopped = true;
      const again = await start(db, key);
      try {
        assert.doesNotMatch(again.logs(), /in the background/, 'a restart finds nothing to rewrite');
        const a = (await again.api<ApiWebhook>('GET', `/v1/businesses/live/webhooks/${seeded.a.id}`)).body;
        assert.deepEqual([a.secret, a.headers], [seeded.a.secret, { 'X-Api-Key': 'live-header-value-a' }]);
      } finally {
        await again.handle.stop();
      }
      t.diagnostic(`${store.name}: healthy in ${Math.round(startMs)} ms with ${FILLERS + 4} webhooks to encrypt`);
    });

    test(`${store.name}: a server killed with SIGKILL during the rewrite; the restart finishes it`, { skip: store.skip, timeout: 120_000 }, async (t) => {
      const db = await store.open();
      const rxA = await startReceiver();
      t.after(() => rxA.close());
      const seeded = await seedPlain(db, { a: rxA.url, b: 'http://127.0.0.1:9/b' });
      const key = SecretBox.generateKey();
      const keyId = SecretBox.fromConfig({ encryptionKey: key, encryptionKeysOld: null }).keyId!;
      const env = { HOOKLINE_DATABASE_URL: db.url, HOOKLINE_ADMIN_TOKEN: ADMIN, HOOKLINE_ALLOW_PRIVATE_NETWORKS: 'true', HOOKLINE_ENCRYPTION_KEY: key, HOOKLINE_POLL_MS: '50' };
      let server: ServerProcess = await spawnServer({ ...env, HOOKLINE_LOG_LEVEL: 'debug' });
      t.after(() => server.child.kill('SIGKILL'));
      t.after(() => db.remove());
      // Killed from the output handler itself, as soon as a first page is written: polling for
      // the line could let a quiet machine finish the whole rewrite first.
      const killed = server;
      const onOutput = (): void => {
        if (killed.output().includes('page rewritten')) killed.child.kill('SIGKILL');
      };
      killed.child.stdout!.on('data', onOutput);
      onOutput();
      assert.equal(await killed.exited, 'SIGKILL');

      const keyIds = (await storedValues(db)).map(SecretBox.keyIdOf);
      const encrypted = keyIds.filter((k) => k === keyId).length;
      assert.ok(encrypted > 0 && encrypted < keyIds.length, `killed part way: ${encrypted} of ${keyIds.length} values encrypted`);
      assert.deepEqual([...new Set(keyIds)].sort(), [keyId, null].sort(), 'each value is either as it was or under the key');
      assert.equal(await recordedKey(db), 'none', 'still the record of the start without a key: not done');

      server = await spawnServer({ ...env, HOOKLINE_LOG_LEVEL: 'info' });
      await until('the restart has finished the rewrite', async () => (await recordedKey(db)) === keyId, 60_000);
      assert.deepEqual([...new Set((await storedValues(db)).map(SecretBox.keyIdOf))], [keyId]);
      const api = apiClient(server.url, ADMIN);
      const a = (await api<ApiWebhook>('GET', `/v1/businesses/live/webhooks/${seeded.a.id}`)).body;
      assert.deepEqual([a.secret, a.headers], [seeded.a.secret, { 'X-Api-Key': 'live-header-value-a' }]);
      assert.equal((await api('POST', '/v1/businesses/live/events', { type: 'invoice/paid', data: { after: 'restart' } })).status, 202);
      await rxA.waitFor(1);
      assert.doesNotThrow(() => new Webhook(seeded.a.secret).verify(rxA.received[0]!.body, rxA.received[0]!.headers as Record<string, string>));
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0);
      t.diagnostic(`${store.name}: killed with ${encrypted} of ${keyIds.length} values encrypted`);
    });
  }
});
