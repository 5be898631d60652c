import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import type { Store, WebhookRow } from '../src/store/Store.js';
import { HooklineError } from '../src/errors.js';
import { SecretBox } from '../src/secrets/SecretBox.js';
import { prepareSecrets } from '../src/secrets/prepareSecrets.js';
import { rewriteSecrets } from '../src/secrets/rewriteSecrets.js';
import { checkSecrets } from '../src/secrets/checkSecrets.js';
import { startSecretsRewrite } from '../src/secrets/startSecretsRewrite.js';
import { HooklineEvents } from '../src/events.js';
import { NO_SECRETS, SEALED_METHODS, withEncryptedSecrets } from '../src/secrets/withEncryptedSecrets.js';
import { SqliteStore } from '../src/store/sqlite/SqliteStore.js';
import { webhookPages } from '../src/store/webhookPages.js';
import { LISTENER_URL_PREFIX, listenerUrl } from '../src/listen/listenerUrl.js';
import { PostgresStore } from '../src/store/postgres/PostgresStore.js';
import { freshStore, storeFactories, type TestStore } from './helpers/stores.js';
import { T0, webhookOf as storedWebhookOf } from './helpers/storeRows.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { startTestHookline } from './helpers/hookline.js';
import { startReceiver } from './helpers/receiver.js';
import type { ApiListedWebhook, ApiPage, ApiWebhook } from './helpers/apiShapes.js';

const K1 = SecretBox.generateKey();
const K2 = SecretBox.generateKey();
const box = (key: string | null, old: string | null = null) => SecretBox.fromConfig({ encryptionKey: key, encryptionKeysOld: old });
const quiet = pino({ level: 'silent' });

/** A webhook with every field that carries a secret filled in: the signing secret, the one it replaced, a header value. */
const webhookOf = (over: Partial<WebhookRow> = {}): WebhookRow =>
  storedWebhookOf('b1', {
    headers: { Authorization: 'Bearer header-token-123' },
    secret: 'whsec_c2VjcmV0LXNpZ25pbmcta2V5LTAxMjM0NTY3',
    previous_secret: 'whsec_b2xkLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm',
    previous_secret_expires_at: T0 + 1000,
    ...over,
  });

const rejectsWith = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof HooklineError && err.code === 'CONFIG_INVALID' && pattern.test(err.message));

test('AES-256-GCM: round trip, a fresh IV each time, and a ciphertext opens only in its own place', () => {
  const b = box(K1);
  const a1 = b.seal('whsec_abc', 'wh_1/secret');
  const a2 = b.seal('whsec_abc', 'wh_1/secret');
  assert.notEqual(a1, a2);
  assert.match(a1, /^hlenc:v1:[0-9a-f]{12}:/);
  assert.equal(b.open(a1, 'wh_1/secret'), 'whsec_abc');
  rejectsWith(() => b.open(a1, 'wh_2/secret'), /does not decrypt/);
  rejectsWith(() => b.open(a1.slice(0, -4) + 'AAAA', 'wh_1/secret'), /altered/);
});

test('keys: old keys still open, a missing key is named, values stored as given pass through, the key is never echoed', () => {
  const sealed = box(K1).seal('v', 'c');
  assert.equal(box(K2, `${K1}`).open(sealed, 'c'), 'v');
  assert.equal(SecretBox.keyIdOf(sealed), box(K1).keyId);
  rejectsWith(() => box(K2).open(sealed, 'c'), new RegExp(`key ${box(K1).keyId}`));
  rejectsWith(() => box(null).open(sealed, 'c'), /not configured/);
  assert.equal(box(null).seal('plain', 'c'), 'plain');
  assert.equal(box(K1).open('whsec_plain', 'c'), 'whsec_plain');
  const hex = Buffer.from(K1, 'base64').toString('hex');
  assert.equal(box(hex).keyId, box(K1).keyId, 'hex and base64 of one key are one key');
  for (const bad of ['short', 'x'.repeat(44), Buffer.alloc(16).toString('base64')]) {
    assert.throws(() => box(bad), (err: unknown) => err instanceof HooklineError && err.code === 'CONFIG_INVALID' && !err.message.includes(bad));
  }
});

test('every store method about webhooks is known to carry secrets (and is sealed) or known not to', () => {
  const known = new Set<string>([...SEALED_METHODS, ...NO_SECRETS]);
  for (const cls of [SqliteStore, PostgresStore]) {
    for (let proto = cls.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const name of Object.getOwnPropertyNames(proto)) {
        if (/webhook/i.test(name)) assert.ok(known.has(name), `${cls.name}.${name} handles webhooks: add it to SEALED_METHODS or NO_SECRETS in src/secrets/withEncryptedSecrets.ts`);
      }
    }
  }
});

describe('encrypted secrets over each store', { concurrency: true }, () => {
  for (const factory of storeFactories) {
    describe(factory.name, { skip: factory.skip }, () => {
      const fresh = async (t: TestContext): Promise<TestStore> => {
        const ts = await freshStore(factory)(t);
        await ts.store.createBusiness({ id: 'b1', name: 'B', created_at: T0 });
        return ts;
      };
      const rawText = async (ts: TestStore): Promise<string> => JSON.stringify(await ts.sql('SELECT * FROM webhooks'));

      test('what is stored is ciphertext; what the store hands back is the secret itself', async (t) => {
        const ts = await fresh(t);
        const store: Store = withEncryptedSecrets(ts.store, box(K1));
        const w = webhookOf();
        assert.deepEqual(await store.createWebhook(w), w);
        for (const plain of [w.secret, w.previous_secret!, 'header-token-123']) assert.ok(!(await rawText(ts)).includes(plain), 'not stored in the clear');
        assert.match(await rawText(ts), /Authorization/, 'header names stay readable');
        assert.deepEqual(await store.getWebhook('b1', w.id), w);
        assert.deepEqual(await store.getWebhookById(w.id), w);
        assert.deepEqual((await store.listWebhooks('b1', { limit: 10 })).data, [w]);
        assert.deepEqual(await store.webhooksOfBusiness('b1'), [w]);
        const updated = await store.updateWebhook('b1', w.id, { secret: 'whsec_bmV3LXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm', headers: { 'X-Key': 'k-2' } }, T0 + 5);
        assert.deepEqual([updated!.secret, updated!.headers], ['whsec_bmV3LXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm', { 'X-Key': 'k-2' }]);
        assert.ok(!(await rawText(ts)).includes('k-2'));
        assert.equal(store.kind, ts.store.kind, 'everything else passes straight through');
        assert.equal(await store.webhooksVersion(), await ts.store.webhooksVersion());
      });

      test('rotation: a start with a new key re-encrypts every webhook under it, then the old key can go', async (t) => {
        const ts = await fresh(t);
        // Written before encryption was configured, then under K1.
        await ts.store.createWebhook(webhookOf({ id: 'wh_plain' }));
        await prepareSecrets(ts.store, box(K1), quiet);
        await withEncryptedSecrets(ts.store, box(K1)).createWebhook(webhookOf({ id: 'wh_k1' }));
        assert.ok(!(await rawText(ts)).includes('header-token-123'), 'the first keyed start encrypted what was plain');

        await assert.rejects(prepareSecrets(ts.store, box(K2), quiet), (err: unknown) => err instanceof HooklineError && err.code === 'CONFIG_INVALID');
        await prepareSecrets(ts.store, box(K2, K1), quiet);
        const ids = new Set((await ts.store.webhooksOfBusiness('b1')).flatMap((w) => [w.secret, ...Object.values(w.headers)]).map(SecretBox.keyIdOf));
        assert.deepEqual([...ids], [box(K2).keyId]);
        const store = withEncryptedSecrets(ts.store, box(K2));
        assert.equal((await store.getWebhookById('wh_k1'))!.headers.Authorization, 'Bearer header-token-123');
        assert.equal((await store.getWebhookById('wh_plain'))!.updated_at, T0, 're-encrypting is not an edit');

        await assert.rejects(prepareSecrets(ts.store, box(null), quiet), /HOOKLINE_ENCRYPTION_KEY/, 'starting without the key fails at once, not at every delivery');
      });

      test('issue 19: the start-up pass reads every business\'s webhooks a page at a time, in id order, and still re-encrypts each one', async (t) => {
        const ts = await fresh(t);
        for (const id of ['b2', 'b3']) await ts.store.createBusiness({ id, name: id, created_at: T0 });
        // Businesses and ids interleave, so a page spans businesses and a business spans pages.
        const owners = ['b3', 'b1', 'b2', 'b1', 'b3', 'b2', 'b1'];
        const rows = owners.map((b, i) => ({ ...webhookOf({ id: `wh_${i}` }), business_id: b }));
        for (const w of rows) await ts.store.createWebhook(w);
        await ts.store.createWebhook({ ...webhookOf({ id: 'wh_gone' }), business_id: 'b2' });
        assert.ok(await ts.store.deleteWebhook('b2', 'wh_gone'));

        const paged: string[][] = [];
        for await (const page of webhookPages(ts.store, 3)) paged.push(page.map((w) => w.id));
        assert.deepEqual(paged, [['wh_0', 'wh_1', 'wh_2'], ['wh_3', 'wh_4', 'wh_5'], ['wh_6']], 'every live webhook once, the deleted one not at all');

        const keysOf = async (): Promise<Set<string | null>> =>
          new Set((await ts.sql('SELECT secret, previous_secret FROM webhooks WHERE deleted_at IS NULL')).flatMap((r) => [String(r.secret), String(r.previous_secret)]).map(SecretBox.keyIdOf));
        const version = await ts.store.webhooksVersion();
        await prepareSecrets(ts.store, box(K1), quiet, 2);
        assert.deepEqual([...(await keysOf())], [box(K1).keyId]);
        assert.equal(await ts.store.webhooksVersion(), version, 're-encrypting changes no webhook, so no matcher reloads');
        await prepareSecrets(ts.store, box(K2, K1), quiet, 3);
        assert.deepEqual([...(await keysOf())], [box(K2).keyId], 'a rotation reaches every page too');
        const store = withEncryptedSecrets(ts.store, box(K2));
        for (const w of rows) assert.deepEqual(await store.getWebhookById(w.id), w, `${w.id} opens to what was written, unchanged`);
        assert.deepEqual((await store.webhooksAfter('wh_4', 10)).map((w) => [w.id, w.secret]), [['wh_5', rows[5]!.secret], ['wh_6', rows[6]!.secret]], 'pages through the sealed store come back opened');
        const w6 = rows[6]!;
        assert.deepEqual(await store.webhookSecretsAfter('wh_5', 10), [
          { id: w6.id, business_id: w6.business_id, updated_at: w6.updated_at, secret: w6.secret, previous_secret: w6.previous_secret, headers: w6.headers },
        ], 'the secret fields alone, opened');
      });

      test('issue 19: a rewrite of secrets leaves alone a webhook changed since it was read', async (t) => {
        const ts = await fresh(t);
        for (const id of ['wh_a', 'wh_b']) await ts.store.createWebhook(webhookOf({ id }));
        const read = await ts.store.webhookSecretsAfter('', 10);
        await ts.store.updateWebhook('b1', 'wh_b', { secret: 'whsec_cm90YXRlZC1zaW5jZS0wMTIzNDU2Nzg5' }, T0 + 9);
        await ts.store.rewriteWebhookSecrets(read.map((w) => ({ ...w, secret: `${w.secret}-rewritten` })));
        const now = await ts.store.webhookSecretsAfter('', 10);
        assert.deepEqual(now.map((w) => [w.id, w.secret, w.updated_at]), [
          ['wh_a', `${read[0]!.secret}-rewritten`, T0],
          ['wh_b', 'whsec_cm90YXRlZC1zaW5jZS0wMTIzNDU2Nzg5', T0 + 9],
        ]);
      });

      test('issue 19 §2: a webhook changed under the background rewrite, in a field that is no secret, is re-encrypted by a second pass', async (t) => {
        const ts = await fresh(t);
        for (const id of ['wh_a', 'wh_b']) await ts.store.createWebhook(webhookOf({ id }));
        // The real store, with an API-like rename committed between the first page's read and
        // its write: the interleaving a busy server produces by chance, made certain.
        let renamed = false;
        const racing = new Proxy(ts.store, {
          get(target, prop) {
            if (prop === 'rewriteWebhookSecrets') {
              return async (rows: Parameters<Store['rewriteWebhookSecrets']>[0]) => {
                if (!renamed) {
                  renamed = true;
                  await target.updateWebhook('b1', 'wh_b', { name: 'renamed meanwhile' }, T0 + 9);
                }
                return target.rewriteWebhookSecrets(rows);
              };
            }
            const value: unknown = Reflect.get(target, prop, target);
            return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          },
        });
        const result = await rewriteSecrets(racing, box(K1), quiet);
        assert.deepEqual([result.complete, result.passes, result.rewritten], [true, 2, 2], 'wh_b skipped by the first pass, written by the second');
        const stored = await ts.sql('SELECT id, secret, previous_secret, headers FROM webhooks ORDER BY id');
        for (const r of stored) {
          const headers = (typeof r.headers === 'string' ? JSON.parse(r.headers) : r.headers) as Record<string, string>;
          assert.deepEqual([r.secret, r.previous_secret, ...Object.values(headers)].map((v) => SecretBox.keyIdOf(String(v))), [box(K1).keyId, box(K1).keyId, box(K1).keyId], `${String(r.id)} is under the key`);
        }
        const b = await withEncryptedSecrets(ts.store, box(K1)).getWebhookById('wh_b');
        assert.deepEqual([b!.name, b!.secret, b!.updated_at], ['renamed meanwhile', webhookOf().secret, T0 + 9], 'the rename kept, the secret the same');
        assert.equal(await ts.store.getMeta('secrets_key_id'), box(K1).keyId, 'recorded once everything is under the key');
      });

      test('issue 19 §2: a background rewrite stopped with the server leaves the key unrecorded, and the next one finishes', async (t) => {
        const ts = await fresh(t);
        for (let i = 0; i < 5; i++) await ts.store.createWebhook(webhookOf({ id: `wh_${i}` }));
        const due = await checkSecrets(ts.store, box(K1), quiet);
        assert.equal(due?.stale, 5);
        const events = new HooklineEvents();
        let announced = 0;
        events.on('secrets:rewritten', () => announced++);
        const first = startSecretsRewrite({ store: ts.store, box: box(K1), log: quiet, events, due: due!, pageSize: 2 });
        await first.stop();
        await first.stop();
        assert.equal((await first.settled)?.complete, false);
        assert.notEqual(await ts.store.getMeta('secrets_key_id'), box(K1).keyId, 'not recorded: the next start carries on');
        assert.equal(announced, 0);
        const again = await checkSecrets(ts.store, box(K1), quiet);
        const second = startSecretsRewrite({ store: ts.store, box: box(K1), log: quiet, events, due: again!, pageSize: 2 });
        assert.equal((await second.settled)?.complete, true);
        await second.stop();
        assert.equal(await ts.store.getMeta('secrets_key_id'), box(K1).keyId);
        assert.equal(announced, 1);
        assert.equal(await checkSecrets(ts.store, box(K1), quiet), null, 'a later start finds nothing to do');
      });

      test('issue 19: the listeners left from before are found by their URL alone, across businesses, deleted ones not', async (t) => {
        const ts = await fresh(t);
        await ts.store.createBusiness({ id: 'b2', name: 'b2', created_at: T0 });
        const listener = (id: string, business: string): WebhookRow => ({ ...webhookOf({ id, url: listenerUrl(id) }), business_id: business });
        for (const w of [listener('wh_l2', 'b2'), webhookOf({ id: 'wh_net' }), listener('wh_l1', 'b1'), listener('wh_lgone', 'b1')]) await ts.store.createWebhook(w);
        assert.ok(await ts.store.deleteWebhook('b1', 'wh_lgone'));
        assert.deepEqual(await ts.store.webhooksWithUrlPrefix(LISTENER_URL_PREFIX), [{ id: 'wh_l1', business_id: 'b1' }, { id: 'wh_l2', business_id: 'b2' }]);
        assert.deepEqual(await ts.store.webhooksWithUrlPrefix('https://example.com/h%'), [], 'the prefix is taken literally');
      });
    });
  }
});

test('a secret never reaches a log line, wherever it sits in a logged object', async () => {
  const { REDACTED_LOG_PATHS } = await import('../src/app.js');
  let out = '';
  const sink = new Writable({ write: (chunk, _e, done) => ((out += String(chunk)), done()) });
  const log = pino({ level: 'trace', redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } }, sink);
  const w = webhookOf();
  log.error({ webhook: w, config: { encryptionKey: K1 }, headers: { authorization: 'Bearer admin' } }, 'something failed');
  for (const s of [w.secret, w.previous_secret!, 'header-token-123', K1, 'Bearer admin']) assert.ok(!out.includes(s), `${s} was logged`);
  assert.match(out, /something failed/);
});

test('end to end with HOOKLINE_ENCRYPTION_KEY: deliveries are signed and carry the header, the database files hold neither, lists redact', async (t) => {
  const hl = await startTestHookline({ encryptionKey: K1 });
  t.after(() => hl.stop());
  const rx = await startReceiver();
  t.after(() => rx.close());
  await hl.api('POST', '/v1/businesses', { id: 'enc', name: 'Enc' });
  const wh = (await hl.api<ApiWebhook>('POST', '/v1/businesses/enc/webhooks', { url: rx.url, events: ['*'], headers: { 'X-Api-Key': 'receiver-api-key-42' } })).body;
  await hl.api('POST', '/v1/businesses/enc/events', { type: 'invoice/paid', data: { id: 'i' } });
  await rx.waitFor(1);
  const got = rx.received[0]!;
  assert.equal(got.headers['x-api-key'], 'receiver-api-key-42');
  assert.doesNotThrow(() => new Webhook(wh.secret).verify(got.body, got.headers as Record<string, string>));
  const files = readdirSync(hl.dir).filter((f) => f.startsWith('hookline.db'));
  const bytes = Buffer.concat(files.map((f) => readFileSync(join(hl.dir, f)))).toString('latin1');
  assert.ok(files.length > 0);
  assert.ok(!bytes.includes('receiver-api-key-42'), 'the header value is not in the database files');
  assert.ok(!bytes.includes(wh.secret.slice(6)), 'the secret is not in the database files');
  const listed = (await hl.api<ApiPage<ApiListedWebhook>>('GET', '/v1/businesses/enc/webhooks')).body.data[0]!;
  assert.deepEqual([listed.secret, listed.headers], [undefined, { 'X-Api-Key': '[redacted]' }]);
  assert.equal((await hl.api<ApiWebhook>('GET', `/v1/businesses/enc/webhooks/${wh.id}`)).body.headers['X-Api-Key'], 'receiver-api-key-42');
});

test('a server logging at trace writes neither secrets nor header values nor the key', async (t) => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { loadConfig } = await import('../src/config.js');
  const { startHookline, REDACTED_LOG_PATHS } = await import('../src/app.js');
  const { apiClient } = await import('./helpers/hookline.js');
  const dir = mkdtempSync(join(tmpdir(), 'hookline-logs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let out = '';
  const sink = new Writable({ write: (chunk, _e, done) => ((out += String(chunk)), done()) });
  const config = loadConfig({}, { port: 0, databaseUrl: `file:${join(dir, 'h.db')}`, adminToken: 'log-test-admin-token-0123', allowPrivateNetworks: true, logLevel: 'trace', encryptionKey: K1 });
  const handle = await startHookline(config, { mode: 'serve', logger: pino({ level: 'trace', redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } }, sink) });
  t.after(() => handle.stop());
  const rx = await startReceiver((_r, res) => {
    res.statusCode = 500;
    res.end();
  });
  t.after(() => rx.close());
  const api = apiClient(handle.url!, 'log-test-admin-token-0123');
  await api('POST', '/v1/businesses', { id: 'logs', name: 'Logs' });
  const wh = (await api<ApiWebhook>('POST', '/v1/businesses/logs/webhooks', { url: rx.url, events: ['*'], retry_schedule: [], headers: { 'X-Api-Key': 'log-header-value-77' } })).body;
  await api('POST', '/v1/businesses/logs/events', { type: 'invoice/paid', data: {} });
  await api('PATCH', `/v1/businesses/logs/webhooks/${wh.id}`, { headers: { 'X-Api-Key': 'log-header-value-78' } });
  await api('POST', `/v1/businesses/logs/webhooks/${wh.id}/rotate-secret`);
  await rx.waitFor(1);
  await handle.stop();
  assert.ok(out.length > 0, 'something was logged');
  for (const s of [wh.secret, 'log-header-value-77', 'log-header-value-78', K1, 'log-test-admin-token-0123']) assert.ok(!out.includes(s), `${s.slice(0, 12)}… was logged`);
});
