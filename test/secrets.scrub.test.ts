import { describe, test } from 'node:test';
import { once } from 'node:events';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { startTestHookline, apiClient } from './helpers/hookline.js';
import { loadConfig } from '../src/config.js';
import { startHookline } from '../src/app.js';
import { SecretBox } from '../src/secrets/SecretBox.js';
import { recordFigures } from './helpers/reliabilityFigures.js';
import { storeFactories } from './helpers/stores.js';
import { prepareSecrets } from '../src/secrets/prepareSecrets.js';
import { withEncryptedSecrets } from '../src/secrets/withEncryptedSecrets.js';
import { newWebhookRow } from '../src/webhooks/newWebhookRow.js';
import type { ApiWebhook } from './helpers/apiShapes.js';

/**
 * Issue 12 §6: switching encryption on for an existing database re-encrypted the rows but left
 * the plaintext in SQLite's free pages, where `grep` found it. After the start that encrypts,
 * no earlier value may be anywhere in the database's files: the main file, the WAL, the shm.
 */

/** Every byte of the database's files, as Latin-1 so that any ASCII secret is found as text. */
function databaseBytes(dir: string): { files: string[]; text: string } {
  const files = readdirSync(dir).filter((f) => f.startsWith('hookline.db'));
  return { files, text: Buffer.concat(files.map((f) => readFileSync(join(dir, f)))).toString('latin1') };
}

test('issue 12 journey: after encryption is switched on, no plaintext secret or header value is left in the SQLite file or its WAL', async (t) => {
  const plain = await startTestHookline();
  t.after(() => plain.stop());
  const api = plain.api;
  await api('POST', '/v1/businesses', { id: 'later', name: 'Encrypted later' });
  const base = '/v1/businesses/later/webhooks';
  const kept = (await api<ApiWebhook>('POST', base, { url: 'https://later.example.com/a', events: ['*'], headers: { 'X-Api-Key': 'first-header-value-1111' } })).body;
  const rotated = (await api<ApiWebhook>('POST', `${base}/${kept.id}/rotate-secret`)).body;
  await api('PATCH', `${base}/${kept.id}`, { headers: { 'X-Api-Key': 'second-header-value-2222' } });
  const gone = (await api<ApiWebhook>('POST', base, { url: 'https://later.example.com/b', events: ['*'], headers: { Authorization: 'Bearer deleted-webhook-token-3333' } })).body;
  assert.equal((await api('DELETE', `${base}/${gone.id}`)).status, 204);
  await plain.handle.stop();

  const secrets = {
    'first secret (now the previous one)': kept.secret.slice('whsec_'.length),
    'rotated secret': rotated.secret.slice('whsec_'.length),
    'first header value (overwritten)': 'first-header-value-1111',
    'current header value': 'second-header-value-2222',
    "deleted webhook's secret": gone.secret.slice('whsec_'.length),
    "deleted webhook's header value": 'deleted-webhook-token-3333',
  };
  const before = databaseBytes(plain.dir);
  const foundBefore = Object.entries(secrets).filter(([, s]) => before.text.includes(s)).map(([name]) => name);
  assert.ok(foundBefore.length >= 4, `the test can fail: plaintext is there before (${foundBefore.join(', ')})`);

  const key = SecretBox.generateKey();
  const config = loadConfig({}, { port: 0, databaseUrl: plain.dbUrl, adminToken: plain.adminToken, allowPrivateNetworks: true, logLevel: 'silent', encryptionKey: key });
  const encrypted = await startHookline(config, { mode: 'serve', logger: pino({ level: 'silent' }) });
  // The rewrite and its scrub run after the server is healthy (issue 19 §2).
  const rewritten = once(encrypted.events, 'secrets:rewritten');
  let stopped = false;
  t.after(() => (stopped ? undefined : encrypted.stop()));
  const again = apiClient(encrypted.url!, plain.adminToken);
  const read = (await again<ApiWebhook>('GET', `${base}/${kept.id}`)).body;
  assert.equal(read.secret, rotated.secret, 'the secret still reads back');
  assert.deepEqual(read.headers, { 'X-Api-Key': 'second-header-value-2222' });

  await rewritten;
  const whileRunning = databaseBytes(plain.dir);
  assert.ok(whileRunning.files.some((f) => f.endsWith('-wal')), `the WAL is scanned too: ${whileRunning.files.join(', ')}`);
  const leftRunning = Object.entries(secrets).filter(([, s]) => whileRunning.text.includes(s)).map(([name]) => name);
  assert.deepEqual(leftRunning, [], 'nothing readable while the encrypted server runs');

  await encrypted.stop();
  stopped = true;
  const after = databaseBytes(plain.dir);
  const leftAfter = Object.entries(secrets).filter(([, s]) => after.text.includes(s)).map(([name]) => name);
  assert.deepEqual(leftAfter, [], 'nothing readable after it stopped');
  recordFigures('encryption-later', {
    probe: 'Encryption switched on for a database holding plaintext secrets, header values and a deleted webhook; every byte of the SQLite file and WAL searched',
    test: 'test/secrets.scrub.test.ts',
    tries: Object.keys(secrets).length,
    server_errors: 0,
    lost: null,
    duplicates: null,
    recovery_ms: null,
    note: `${foundBefore.length} of ${Object.keys(secrets).length} values readable before, 0 after (${Math.round(whileRunning.text.length / 1024)} KiB searched while running, ${Math.round(after.text.length / 1024)} KiB after stopping)`,
  });
});

describe('issue 12: the start that encrypts forgets deleted webhooks\' secrets and rewrites the table, on each store', { concurrency: true }, () => {
  for (const factory of storeFactories) {
    test(factory.name, { skip: factory.skip }, async (t) => {
      const ts = await factory.create();
      t.after(() => ts.dispose());
      await ts.store.createBusiness({ id: 'b1', name: 'B', created_at: Date.now() });
      const kept = newWebhookRow('b1', { name: 'kept', url: 'https://kept.example.com/', events: ['*'], headers: { 'X-Key': 'kept-header-4444' } });
      const gone = newWebhookRow('b1', { name: 'gone', url: 'https://gone.example.com/', events: ['*'], headers: { 'X-Key': 'gone-header-5555' } });
      await ts.store.createWebhook(kept);
      await ts.store.createWebhook(gone);
      assert.ok(await ts.store.deleteWebhook('b1', gone.id));
      const box = SecretBox.fromConfig({ encryptionKey: SecretBox.generateKey(), encryptionKeysOld: null });
      await prepareSecrets(ts.store, box, pino({ level: 'silent' }));
      const rows = JSON.stringify(await ts.sql('SELECT * FROM webhooks'));
      for (const plain of [kept.secret, gone.secret, 'kept-header-4444', 'gone-header-5555']) assert.ok(!rows.includes(plain), `${plain} is gone from the rows`);
      const read = await withEncryptedSecrets(ts.store, box).getWebhookById(kept.id);
      assert.deepEqual([read!.secret, read!.headers], [kept.secret, { 'X-Key': 'kept-header-4444' }]);
    });
  }
});
