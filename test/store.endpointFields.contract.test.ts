import { after, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { storeFactories, type TestStore } from './helpers/stores.js';
import { undroppedTestDatabases } from './helpers/postgres.js';
import { T0, webhookOf } from './helpers/storeRows.js';
import { SecretBox } from '../src/secrets/SecretBox.js';
import { withEncryptedSecrets } from '../src/secrets/withEncryptedSecrets.js';

/**
 * The endpoint columns of migration 0014 (issue 18), for every store: auth and TLS read back as
 * written, null clears them (the row then reads as one written before 0014), the certificate
 * expiry survives as a number, and the secret members are ciphertext in the database.
 */

const auth = {
  type: 'oauth2_client_credentials' as const,
  token_url: 'https://login.example.com/token',
  client_id: 'hookline',
  client_secret: 'very-secret-value',
  scope: 'a b',
  extra_params: { resource: 'crm', z: '1' },
};
const tls = { client_cert: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', client_key: '-----BEGIN PRIVATE KEY-----\nkey-material\n-----END PRIVATE KEY-----\n', ca: 'ca pem' };

describe('Store contract: endpoint auth, TLS and verification (issue 18)', { concurrency: true }, () => {
  for (const factory of storeFactories) {
    describe(factory.name, { skip: factory.skip, concurrency: 4 }, () => {
      const fresh = async (t: TestContext): Promise<TestStore> => {
        const ts = await factory.create();
        t.after(() => ts.dispose());
        await ts.store.createBusiness({ id: 'b1', name: 'B', created_at: T0 });
        return ts;
      };

      test('auth, tls and verification fields read back as written; null clears them', async (t) => {
        const { store } = await fresh(t);
        const row = webhookOf('b1', { auth, tls, verification: 'challenge', verified_url: 'https://example.com/hook', verification_error: 'earlier answer', tls_expiry_notified: 1_900_000_000_000 });
        await store.createWebhook(row);
        assert.deepEqual(await store.getWebhookById(row.id), row);
        const cleared = await store.updateWebhook('b1', row.id, { auth: null, tls: null, verification: null, verified_url: null, verification_error: null, tls_expiry_notified: null }, T0 + 1);
        const plain = webhookOf('b1');
        assert.deepEqual(cleared, { ...plain, id: row.id, updated_at: T0 + 1 }, 'reads like a row written without them');
      });

      test('sealed: the secret members are ciphertext in the store and plain above it', async (t) => {
        const { store } = await fresh(t);
        const box = SecretBox.fromConfig({ encryptionKey: Buffer.alloc(32, 3).toString('base64'), encryptionKeysOld: null });
        const sealed = withEncryptedSecrets(store, box);
        const row = webhookOf('b1', { auth, tls });
        await sealed.createWebhook(row);
        const raw = await store.getWebhookById(row.id);
        assert.ok(raw?.auth?.type === 'oauth2_client_credentials' && raw.auth.client_secret.startsWith('hlenc:v1:'));
        assert.ok(raw?.tls?.client_key?.startsWith('hlenc:v1:'));
        assert.equal(raw?.tls?.client_cert, tls.client_cert, 'certificates are public: stored as given');
        assert.ok(!JSON.stringify(raw).includes('very-secret-value') && !JSON.stringify(raw).includes('key-material'));
        assert.deepEqual(await sealed.getWebhookById(row.id), row);
      });
    });
  }
});

after(() => {
  assert.deepEqual(undroppedTestDatabases(), [], 'every test schema and database was dropped');
});
