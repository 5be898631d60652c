import { after, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { NewPortalSessionRow, Store } from '../src/store/Store.js';
import { storeFactories, type TestStore } from './helpers/stores.js';
import { undroppedTestDatabases } from './helpers/postgres.js';

/**
 * The portal-session half of the store contract (issue 14), for every store: a link opens once,
 * never after its expiry or revocation, and a revoked or expired session keeps its row, so its
 * link's page can still offer the way back.
 */

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

function sessionOf(id: string, over: Partial<NewPortalSessionRow> = {}): NewPortalSessionRow {
  return {
    id,
    business_id: 'b1',
    link_hash: `link-${id}`,
    read_only: false,
    theme: { name: 'Studio Suite', accent: '#0f766e', mode: 'dark' },
    return_url: 'https://app.example.com/settings',
    created_at: T0,
    expires_at: T0 + HOUR,
    ...over,
  };
}

async function withBusiness(store: Store): Promise<Store> {
  await store.createBusiness({ id: 'b1', name: 'One', created_at: T0 });
  await store.createBusiness({ id: 'b2', name: 'Two', created_at: T0 });
  return store;
}

describe('Store contract: portal sessions (issue 14)', { concurrency: true }, () => {
  for (const factory of storeFactories) {
    describe(factory.name, { skip: factory.skip, concurrency: 4 }, () => {
      const fresh = async (t: TestContext): Promise<TestStore> => {
        const ts = await factory.create();
        t.after(() => ts.dispose());
        await withBusiness(ts.store);
        return ts;
      };

      test('a link opens once: the first opening records the cookie credential and returns the session, the second gets null', async (t) => {
        const { store } = await fresh(t);
        await store.createPortalSession(sessionOf('ps_1', { read_only: true }));
        assert.equal(await store.findPortalSession('cookie-1'), null, 'no cookie credential before the link is opened');
        const opened = await store.openPortalLink('link-ps_1', 'cookie-1', T0 + 1000);
        assert.deepEqual(opened, {
          id: 'ps_1',
          business_id: 'b1',
          read_only: true,
          theme: { name: 'Studio Suite', accent: '#0f766e', mode: 'dark' },
          return_url: 'https://app.example.com/settings',
          created_at: T0,
          expires_at: T0 + HOUR,
          opened_at: T0 + 1000,
          revoked_at: null,
        });
        assert.equal(await store.openPortalLink('link-ps_1', 'cookie-2', T0 + 2000), null, 'a used link does not open again');
        assert.equal(await store.findPortalSession('cookie-2'), null, 'and the second credential is not recorded');
        assert.deepEqual(await store.findPortalSession('cookie-1'), opened);
        assert.deepEqual(await store.findPortalSessionByLink('link-ps_1'), opened, 'the used link still finds its session, for its page');
      });

      test('two openings racing on two connections: exactly one wins', async (t) => {
        const ts = await fresh(t);
        const other = await ts.openAnother();
        await ts.store.createPortalSession(sessionOf('ps_race'));
        const results = await Promise.all([ts.store.openPortalLink('link-ps_race', 'cookie-a', T0 + 1), other.openPortalLink('link-ps_race', 'cookie-b', T0 + 1)]);
        assert.equal(results.filter((r) => r !== null).length, 1);
      });

      test('an expired or revoked link does not open; revoking answers false for another business and true twice for its own', async (t) => {
        const { store } = await fresh(t);
        await store.createPortalSession(sessionOf('ps_old', { expires_at: T0 + 1000 }));
        assert.equal(await store.openPortalLink('link-ps_old', 'cookie-old', T0 + 1000), null, 'expired at its expires_at');
        await store.createPortalSession(sessionOf('ps_rev'));
        assert.equal(await store.revokePortalSession('b2', 'ps_rev', T0 + 5), false, 'another business cannot revoke it');
        assert.equal(await store.revokePortalSession('b1', 'ps_rev', T0 + 5), true);
        assert.equal(await store.revokePortalSession('b1', 'ps_rev', T0 + 9), true, 'revoking twice is still a success');
        assert.equal(await store.revokePortalSession('b1', 'ps_none', T0 + 5), false);
        assert.equal(await store.openPortalLink('link-ps_rev', 'cookie-rev', T0 + 10), null);
        assert.equal((await store.findPortalSessionByLink('link-ps_rev'))?.revoked_at, T0 + 5, 'the first revocation time stays');
      });

      test('revoking an opened session marks the row its cookie finds', async (t) => {
        const { store } = await fresh(t);
        await store.createPortalSession(sessionOf('ps_open'));
        await store.openPortalLink('link-ps_open', 'cookie-open', T0 + 1);
        await store.revokePortalSession('b1', 'ps_open', T0 + 2);
        assert.equal((await store.findPortalSession('cookie-open'))?.revoked_at, T0 + 2);
      });

      test('creating a session removes those that expired more than a day before; younger ones stay', async (t) => {
        const { store } = await fresh(t);
        await store.createPortalSession(sessionOf('ps_long_gone', { expires_at: T0 - 25 * HOUR }));
        await store.createPortalSession(sessionOf('ps_recent', { expires_at: T0 - HOUR }));
        await store.createPortalSession(sessionOf('ps_new', { created_at: T0 }));
        assert.equal(await store.findPortalSessionByLink('link-ps_long_gone'), null);
        assert.notEqual(await store.findPortalSessionByLink('link-ps_recent'), null);
      });
    });
  }
});

after(() => {
  assert.deepEqual(undroppedTestDatabases(), [], 'every test schema and database was dropped');
});
