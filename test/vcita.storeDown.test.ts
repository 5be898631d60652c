import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { AppContext } from '../src/app.js';
import type { Store } from '../src/store/Store.js';
import { buildServer } from '../src/api/server.js';
import { EventCatalog } from '../src/catalog/index.js';
import { loadConfig } from '../src/config.js';
import { HooklineEvents } from '../src/events.js';
import { WebhooksService } from '../src/webhooks/WebhooksService.js';
import { LocalInboxes } from '../src/inspector/LocalInboxes.js';

const TOKEN = 'staff-token-for-studio-1-0123456789';

/** The API over a database that fails every call, as SQLite does when the disk is full. */
async function serverWithBrokenStore() {
  const broken = new Proxy({}, {
    get: () => async () => {
      throw Object.assign(new Error('SQLITE_FULL: database or disk is full'), { code: 'SQLITE_FULL' });
    },
  });
  const config = loadConfig({}, { allowPrivateNetworks: true });
  const catalog = new EventCatalog();
  const engine = { invalidate() {}, wake() {}, verifyOwnership: async () => ({ ok: false as const, reason: 'not in this test' }) };
  const ctx = {
    config,
    store: broken,
    catalog,
    auth: { resolve: async (t: string) => (t === TOKEN ? { kind: 'business', businessId: 'studio-1' } : null) },
    dispatcher: engine,
    webhooks: new WebhooksService({ store: broken as Store, config, catalog, engine }),
    events: new HooklineEvents(),
    log: pino({ level: 'silent' }),
    version: '0.0.0-test',
    inboxes: new LocalInboxes(broken as never),
  } as unknown as AppContext;
  return buildServer(ctx);
}

test('vcita subscribe with the database unavailable answers 500 {"response":"Not Subscribed"}', async (t) => {
  const app = await serverWithBrokenStore();
  t.after(() => app.close());
  const res = await app.inject({
    method: 'POST',
    url: '/platform/v1/webhook/subscribe',
    headers: { authorization: `Bearer ${TOKEN}` },
    payload: { event: 'client/created', target_url: 'https://crm.example/hooks' },
  });
  assert.equal(res.statusCode, 500);
  assert.deepEqual(res.json(), { response: 'Not Subscribed' });
  assert.match(String(res.headers['x-hookline-detail']), /database/);
});

test('vcita unsubscribe and list with the database unavailable answer 500 in vcita\'s error shape', async (t) => {
  const app = await serverWithBrokenStore();
  t.after(() => app.close());
  const unsub = await app.inject({
    method: 'POST',
    url: '/platform/v1/webhook/unsubscribe',
    headers: { authorization: `Bearer ${TOKEN}` },
    payload: { target_url: 'https://crm.example/hooks' },
  });
  assert.equal(unsub.statusCode, 500);
  assert.deepEqual(unsub.json(), { status: 'Error', error: 'Not Unsubscribed' });
  const list = await app.inject({ method: 'GET', url: '/platform/v1/webhooks', headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(list.statusCode, 500);
  assert.equal(list.json().status, 'Error');
});
