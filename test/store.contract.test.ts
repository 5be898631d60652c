import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { AttemptOutcome, NewDelivery, NewEvent, NewTokenRow, Store } from '../src/store/Store.js';
import { HooklineError } from '../src/errors.js';
import { newEventId } from '../src/ids.js';
import { DELIVERY_COUNTS_SQL as POSTGRES_COUNTS_SQL, PostgresStore } from '../src/store/postgres/PostgresStore.js';
import { DELIVERY_COUNTS_SQL as SQLITE_COUNTS_SQL } from '../src/store/sqlite/SqliteStore.js';
import { freshStore, storeFactories, type TestStore } from './helpers/stores.js';
import { T0, due, outcome, webhookOf } from './helpers/storeRows.js';
import { undroppedTestDatabases } from './helpers/postgres.js';

/**
 * The one contract both stores are held to: the same cases, run once per store, each case on
 * a database of its own. What the Store interface documents is what is checked here.
 */

function eventOf(business: string, over: Partial<NewEvent> = {}): NewEvent {
  return { id: newEventId(), business_id: business, type: 'client/created', data: '{"id":1}', occurred_at: T0, created_at: T0, ...over };
}

function tokenOf(hash: string, business: string | null, over: Partial<NewTokenRow> = {}): NewTokenRow {
  return { token_hash: hash, id: 'tok_' + hash, business_id: business, name: null, prefix: null, created_at: T0, expires_at: null, ...over };
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => err instanceof HooklineError && err.code === code);
}

/**
 * `n` deliveries of business b1 written by two statements, not through the store (no events:
 * nothing here sends them): one in 1,000 retrying and due from T0, one in 20 of the rest
 * failed, the others succeeded. Inserted pending, as Hookline inserts them, then given their
 * status by one UPDATE (SQLite keeps no count on INSERT: migrations/sqlite/0004 says why).
 */
const fillSql = (n: number): string[] => [
  `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${n - 1})
   INSERT INTO deliveries (id, business_id, event_id, webhook_id, event_type, status, attempt_count, next_attempt_at,
     last_status_code, lease_owner, created_at, updated_at)
   SELECT 'dlv_fill_' || (1000000 + i), 'b1', 'evt_fill_' || i, 'wh_a',
     CASE WHEN i % 1000 = 0 THEN 'retrying' WHEN i % 20 = 0 THEN 'failed' ELSE 'succeeded' END, 'pending', 1,
     CASE WHEN i % 1000 = 0 THEN ${T0} + i END, 200, NULL, ${T0}, ${T0}
   FROM s`,
  "UPDATE deliveries SET status = event_type, event_type = 'client/created' WHERE id LIKE 'dlv_fill_%'",
];

/** The plan of the statement deliveryCounts runs, one line per step. */
async function countsPlan(kind: Store['kind'], ts: TestStore): Promise<string[]> {
  const now = String(Date.now());
  if (kind === 'sqlite') return (await ts.sql(`EXPLAIN QUERY PLAN ${SQLITE_COUNTS_SQL.replace('@now', now)}`)).map((r) => String(r.detail));
  // Statistics first: PostgreSQL plans an unanalysed table as a few pages, where a seq scan wins.
  await ts.sql('ANALYZE deliveries');
  return (await ts.sql(`EXPLAIN ${POSTGRES_COUNTS_SQL.replace('$1', now)}`)).map((r) => String(r['QUERY PLAN']));
}

/** Takes a migrated database back to before migration 0004, as an install upgrading to it is. */
const undoCountsMigration = (kind: Store['kind']): string[] => [
  ...(kind === 'sqlite'
    ? ['DROP TRIGGER delivery_counts_update', 'DROP TRIGGER delivery_counts_delete']
    : ['DROP FUNCTION delivery_counts_apply() CASCADE']),
  'DROP TABLE delivery_counts',
  'DELETE FROM migrations WHERE id = 4',
];

/** Publishes one event with the given deliveries and returns their ids. */
async function publishOne(store: Store, business: string, deliveries: NewDelivery[], over: Partial<NewEvent> = {}): Promise<string[]> {
  const [r] = await store.publish([{ event: eventOf(business, over), deliveries }]);
  return r!.deliveries.map((d) => d.id);
}

const ids = (items: { delivery: { id: string } }[]): string[] => items.map((i) => i.delivery.id);

/** Every migration a store should have applied, whoever added it. */
const migrationFiles = (kind: Store['kind']): string[] =>
  readdirSync(new URL(`../migrations/${kind}/`, import.meta.url)).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();

// The stores' suites run side by side, and so do the cases within each: a case's cost is
// mostly creating and dropping its database, which is waiting, not work.
describe('Store contract', { concurrency: true }, () => {
  for (const factory of storeFactories) {
    describe(factory.name, { skip: factory.skip, concurrency: 8 }, () => {
      /** Each case gets its own database, dropped when it ends, so cases can run side by side. */
      const fresh = freshStore(factory);

      test('meta: setMetaIfAbsent keeps the first value and returns what is stored', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        assert.equal(await store.getMeta('admin_token_generated_at'), null);
        assert.equal(await store.setMetaIfAbsent('admin_token_generated_at', '1'), '1');
        assert.equal(await store.setMetaIfAbsent('admin_token_generated_at', '2'), '1');
        assert.equal(await store.getMeta('admin_token_generated_at'), '1');
      });

      test('businesses: create, read, list by id; a duplicate id is BUSINESS_EXISTS', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        const b = { id: 'studio-2', name: 'Studio Two', created_at: T0 };
        assert.deepEqual(await store.createBusiness(b), b);
        await store.createBusiness({ id: 'gym_1', name: 'Gym', created_at: T0 + 1 });
        await store.createBusiness({ id: 'Studio-1', name: 'Capital', created_at: T0 + 2 });
        assert.deepEqual(await store.getBusiness('studio-2'), b);
        assert.equal(await store.getBusiness('nope'), null);
        // Byte order, as SQLite compares: upper case before lower case.
        assert.deepEqual((await store.listBusinesses()).map((x) => x.id), ['Studio-1', 'gym_1', 'studio-2']);
        await rejectsWith(store.createBusiness({ ...b, name: 'Again' }), 'BUSINESS_EXISTS');
        assert.equal((await store.getBusiness('studio-2'))!.name, 'Studio Two');
      });

      test('tokens: a hash finds its grant (business null for an admin token), nothing for an unknown hash; createToken is idempotent on the hash', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        await store.createBusiness({ id: 'b1', name: 'B', created_at: T0 });
        await store.createToken(tokenOf('hash-admin', null, { id: 'tok_admin' }));
        await store.createToken(tokenOf('hash-b1', 'b1', { id: 'tok_b1', expires_at: T0 + 1000 }));
        await store.createToken(tokenOf('hash-b1', 'b1', { id: 'tok_again' }));
        assert.deepEqual(await store.findToken('hash-admin'), { id: 'tok_admin', business_id: null, last_used_at: null, expires_at: null });
        assert.deepEqual(await store.findToken('hash-b1'), { id: 'tok_b1', business_id: 'b1', last_used_at: null, expires_at: T0 + 1000 });
        assert.equal(await store.findToken('hash-other'), null);
      });

      test('tokens: listed per business oldest first without hashes, revoked by id within their business only, last_used_at never moves back', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        await store.createBusiness({ id: 'b1', name: 'B', created_at: T0 });
        await store.createBusiness({ id: 'b2', name: 'B2', created_at: T0 });
        await store.createToken(tokenOf('h2', 'b1', { id: 'tok_2', created_at: T0 + 2, name: 'ci', prefix: 'hl_biz_abcde', expires_at: T0 + 9 }));
        await store.createToken(tokenOf('h1', 'b1', { id: 'tok_1', created_at: T0 + 1 }));
        await store.createToken(tokenOf('h3', 'b2', { id: 'tok_3' }));
        await store.createToken(tokenOf('ha', null, { id: 'tok_admin' }));
        assert.deepEqual(await store.listTokens('b1'), [
          { id: 'tok_1', business_id: 'b1', name: null, prefix: null, created_at: T0 + 1, last_used_at: null, expires_at: null },
          { id: 'tok_2', business_id: 'b1', name: 'ci', prefix: 'hl_biz_abcde', created_at: T0 + 2, last_used_at: null, expires_at: T0 + 9 },
        ]);
        await store.touchToken('tok_1', T0 + 100);
        await store.touchToken('tok_1', T0 + 50);
        assert.equal((await store.findToken('h1'))!.last_used_at, T0 + 100);
        assert.equal(await store.deleteToken('b2', 'tok_1'), false, 'another business cannot revoke it');
        assert.equal(await store.deleteToken('b1', 'tok_1'), true);
        assert.equal(await store.deleteToken('b1', 'tok_1'), false);
        assert.equal(await store.findToken('h1'), null);
        assert.deepEqual((await store.listTokens('b1')).map((x) => x.id), ['tok_2']);
      });

      test('tokens: migration 0006 gives tokens issued before it an id, and they keep working', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        await store.createBusiness({ id: 'b1', name: 'B', created_at: T0 });
        // Back to the table as it was before 0006, with a token in it, then migrate again.
        for (const index of ['tokens_id', 'tokens_business']) await ts.sql(`DROP INDEX ${index}`);
        for (const column of ['id', 'name', 'prefix', 'last_used_at', 'expires_at']) await ts.sql(`ALTER TABLE tokens DROP COLUMN ${column}`);
        await ts.sql('DELETE FROM migrations WHERE id = 6');
        await ts.sql(`INSERT INTO tokens (token_hash, business_id, created_at) VALUES ('old-admin', NULL, ${T0}), ('old-staff', 'b1', ${T0})`);
        await store.migrate();
        const admin = await store.findToken('old-admin');
        const staff = await store.findToken('old-staff');
        assert.match(admin!.id, /^tok_\w{20,}$/);
        assert.match(staff!.id, /^tok_\w{20,}$/);
        assert.notEqual(admin!.id, staff!.id);
        assert.deepEqual(await store.listTokens('b1'), [{ id: staff!.id, business_id: 'b1', name: null, prefix: null, created_at: T0, last_used_at: null, expires_at: null }]);
        assert.equal(await store.deleteToken('b1', staff!.id), true);
      });

      test('tokens: replaceAdminTokens leaves the given token the only admin token and business tokens alone (issue 12)', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        await store.createBusiness({ id: 'b1', name: 'B', created_at: T0 });
        await store.createToken(tokenOf('generated', null, { id: 'tok_gen' }));
        await store.createToken(tokenOf('staff', 'b1', { id: 'tok_staff' }));
        await store.replaceAdminTokens(tokenOf('configured-1', null, { id: 'tok_c1' }));
        await store.replaceAdminTokens(tokenOf('configured-1', null, { id: 'tok_c1_again' }));
        assert.equal(await store.findToken('generated'), null);
        assert.equal((await store.findToken('configured-1'))!.id, 'tok_c1');
        await store.replaceAdminTokens(tokenOf('configured-2', null, { id: 'tok_c2' }));
        assert.equal(await store.findToken('configured-1'), null);
        assert.equal((await store.findToken('configured-2'))!.business_id, null);
        assert.equal((await store.findToken('staff'))!.id, 'tok_staff');
      });

      test('event types: upsert replaces description, schema and example, keeps created_at and key order', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        const schema = { type: 'object', properties: { zeta: { type: 'string' }, alpha: { type: 'integer' } }, required: ['zeta'] };
        await store.upsertEventType({ type: 'class/booked', description: 'v1', schema, example: { zeta: 'a', alpha: 1 }, created_at: T0 });
        await store.upsertEventType({ type: 'abc/def', description: 'other', schema: {}, example: undefined, created_at: T0 });
        await store.upsertEventType({ type: 'class/booked', description: 'v2', schema, example: { zeta: 'b', alpha: 2 }, created_at: T0 + 5 });
        const rows = await store.listEventTypes();
        assert.deepEqual(rows.map((r) => r.type), ['abc/def', 'class/booked']);
        assert.deepEqual(rows[0], { type: 'abc/def', description: 'other', schema: {}, example: null, created_at: T0 });
        assert.deepEqual(rows[1], { type: 'class/booked', description: 'v2', schema, example: { zeta: 'b', alpha: 2 }, created_at: T0 });
        assert.equal(JSON.stringify(rows[1]!.schema), JSON.stringify(schema), 'schemas are shown back in the order they were written');
      });

      test('webhooks: create, read, update, soft delete; every change bumps webhooksVersion', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        await store.createBusiness({ id: 'b1', name: 'B', created_at: T0 });
        await store.createBusiness({ id: 'b2', name: 'B2', created_at: T0 });
        const v0 = await store.webhooksVersion();
        assert.equal(v0, 0);
        const w = webhookOf('b1', { retry_schedule: [1, 30, 600], rate_limit: 2.5 });
        assert.deepEqual(await store.createWebhook(w), w);
        assert.equal(await store.webhooksVersion(), 1);
        assert.deepEqual(await store.getWebhook('b1', w.id), w);
        assert.equal(JSON.stringify((await store.getWebhook('b1', w.id))!.headers), JSON.stringify(w.headers));
        assert.deepEqual(await store.getWebhookById(w.id), w);
        assert.equal(await store.getWebhook('b2', w.id), null, "another business's webhook is not found");
        assert.deepEqual(await store.webhooksOfBusiness('b1'), [w]);

        const updated = await store.updateWebhook('b1', w.id, { name: 'Renamed', enabled: false, retry_schedule: [], headers: {}, rate_limit: null }, T0 + 10);
        assert.deepEqual(updated, { ...w, name: 'Renamed', enabled: false, retry_schedule: [], headers: {}, rate_limit: null, updated_at: T0 + 10 });
        assert.equal(await store.webhooksVersion(), 2);
        assert.equal(await store.updateWebhook('b2', w.id, { name: 'x' }, T0 + 11), null);
        assert.equal(await store.updateWebhook('b1', 'wh_missing', { name: 'x' }, T0 + 11), null);
        assert.equal(await store.webhooksVersion(), 2, 'no change, no bump');
        const nulled = await store.updateWebhook('b1', w.id, { retry_schedule: null }, T0 + 12);
        assert.equal(nulled!.retry_schedule, null);

        assert.equal(await store.deleteWebhook('b2', w.id), false);
        assert.equal(await store.deleteWebhook('b1', w.id), true);
        assert.equal(await store.webhooksVersion(), 4);
        assert.equal(await store.getWebhook('b1', w.id), null);
        assert.equal(await store.getWebhookById(w.id), null);
        assert.deepEqual(await store.webhooksOfBusiness('b1'), []);
        assert.equal(await store.deleteWebhook('b1', w.id), false, 'deleting twice finds nothing');
        assert.equal(await store.updateWebhook('b1', w.id, { name: 'ghost' }, T0 + 13), null);
        assert.equal(await store.webhooksVersion(), 4);
      });

      test('webhooks: listWebhooks pages in id order with an opaque cursor; a forged cursor is INVALID_CURSOR', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        await store.createBusiness({ id: 'b1', name: 'B', created_at: T0 });
        await store.createBusiness({ id: 'b2', name: 'B2', created_at: T0 });
        const made: string[] = [];
        for (let i = 0; i < 5; i++) made.push((await store.createWebhook(webhookOf('b1', { name: `w${i}` }))).id);
        await store.createWebhook(webhookOf('b2'));
        const deleted = made.splice(2, 1)[0]!;
        await store.deleteWebhook('b1', deleted);
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.listWebhooks('b1', { limit: 2, ...(cursor ? { cursor } : {}) });
          seen.push(...page.data.map((w) => w.id));
          cursor = page.next_cursor ?? undefined;
          pages++;
        } while (cursor);
        assert.deepEqual(seen, made);
        assert.equal(pages, 2);
        await rejectsWith(store.listWebhooks('b1', { limit: 2, cursor: Buffer.from("' OR 1=1").toString('base64url') }), 'INVALID_CURSOR');
      });

      test('webhooks: setWebhookHealth bumps the version only when it changes enabled', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        await store.createBusiness({ id: 'b1', name: 'B', created_at: T0 });
        const w = await store.createWebhook(webhookOf('b1'));
        const v = await store.webhooksVersion();
        await store.setWebhookHealth(w.id, { health_state: 'unhealthy', consecutive_failures: 7, health_since: T0 + 1, health_reason: '7 failures' }, T0 + 1);
        assert.equal(await store.webhooksVersion(), v);
        let now = (await store.getWebhookById(w.id))!;
        assert.deepEqual(
          [now.health_state, now.consecutive_failures, now.health_since, now.health_reason, now.enabled],
          ['unhealthy', 7, T0 + 1, '7 failures', true],
        );
        await store.setWebhookHealth(w.id, { health_state: 'disabled', consecutive_failures: 50, health_since: T0 + 2, health_reason: '410 Gone', enabled: false }, T0 + 2);
        assert.equal(await store.webhooksVersion(), v + 1);
        now = (await store.getWebhookById(w.id))!;
        assert.deepEqual([now.health_state, now.enabled, now.health_reason], ['disabled', false, '410 Gone']);
      });

      test('webhooks: webhookChangesSince names each business whose webhooks changed after a version, with the newest version (issue 19)', async (t) => {
        const { store } = await fresh(t);
        for (const b of ['b1', 'b2', 'b3']) await store.createBusiness({ id: b, name: b, created_at: T0 });
        const v0 = await store.webhooksVersion();
        assert.deepEqual(await store.webhookChangesSince(v0), { version: v0, businesses: [] }, 'nothing changed: nothing named, the version stays');
        const w1 = await store.createWebhook(webhookOf('b1'));
        const w2 = await store.createWebhook(webhookOf('b2'));
        assert.deepEqual(await store.webhookChangesSince(v0), { version: v0 + 2, businesses: ['b1', 'b2'] });
        assert.deepEqual(await store.webhookChangesSince(v0 + 1), { version: v0 + 2, businesses: ['b2'] }, 'only what changed after the version given');
        await store.updateWebhook('b1', w1.id, { name: 'renamed' }, T0 + 1);
        assert.deepEqual(await store.webhookChangesSince(v0 + 2), { version: v0 + 3, businesses: ['b1'] });
        await store.updateWebhook('b3', w1.id, { name: 'not b3s' }, T0 + 2);
        assert.deepEqual(await store.webhookChangesSince(v0 + 3), { version: v0 + 3, businesses: [] }, 'no change, no business named');
        await store.setWebhookHealth(w2.id, { health_state: 'unhealthy', consecutive_failures: 3, health_since: T0, health_reason: 'x' }, T0 + 3);
        assert.deepEqual((await store.webhookChangesSince(v0 + 3)).businesses, [], 'health alone does not change matching');
        await store.setWebhookHealth(w2.id, { health_state: 'disabled', consecutive_failures: 3, health_since: T0, health_reason: 'x', enabled: false }, T0 + 4);
        assert.deepEqual(await store.webhookChangesSince(v0 + 3), { version: v0 + 4, businesses: ['b2'] }, 'disabling by health names the webhook\'s business');
        await store.deleteWebhook('b1', w1.id);
        assert.deepEqual(await store.webhookChangesSince(v0 + 3), { version: v0 + 5, businesses: ['b2', 'b1'] }, 'oldest change first');
        assert.equal(await store.webhooksVersion(), v0 + 5, 'the per-business versions are the global one');
      });

      test('publish: stores the event and fans out to every delivery, with its lease owner', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        const data = '{"b": 1, "a": [1, 2.50, "ü \\u0000 \\"q\\""], "emoji": "🎉"}';
        const e = eventOf('b1', { data, occurred_at: T0 - 5 });
        const d1 = due('wh_a', T0);
        const d2 = due('wh_b', T0 + 120_000, 'wrk_publisher');
        const [r] = await store.publish([{ event: e, deliveries: [d1, d2] }]);
        assert.equal(r!.created, true);
        assert.deepEqual(r!.event, e);
        assert.deepEqual(r!.deliveries, [
          { id: d1.id, business_id: 'b1', event_id: e.id, webhook_id: 'wh_a', event_type: 'client/created', status: 'pending', attempt_count: 0, next_attempt_at: T0, last_status_code: null, lease_owner: null, created_at: T0, updated_at: T0 },
          { id: d2.id, business_id: 'b1', event_id: e.id, webhook_id: 'wh_b', event_type: 'client/created', status: 'pending', attempt_count: 0, next_attempt_at: T0 + 120_000, last_status_code: null, lease_owner: 'wrk_publisher', created_at: T0, updated_at: T0 },
        ]);
        const stored = await store.getEvent('b1', e.id);
        assert.deepEqual(stored, e);
        assert.equal(stored!.data, data, 'event data comes back as the same JSON text');
        assert.equal(await store.getEvent('b2', e.id), null);
        const held = await store.getDelivery('b1', d2.id);
        assert.deepEqual({ ...held, attempts: undefined }, { ...r!.deliveries[1], attempts: undefined });
        assert.deepEqual(held!.attempts, []);
      });

      test('publish: a repeated event id is a no-op that returns the stored event and no deliveries', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        const e = eventOf('b1', { id: 'order-42', data: '{"v":1}' });
        const [first] = await store.publish([{ event: e, deliveries: [due('wh_a', T0)] }]);
        const [again] = await store.publish([{ event: { ...e, data: '{"v":2}', created_at: T0 + 9 }, deliveries: [due('wh_a', T0), due('wh_b', T0)] }]);
        assert.equal(first!.created, true);
        assert.deepEqual(again, { event: e, created: false, deliveries: [] });
        assert.equal((await store.listDeliveries('b1', {}, { limit: 10 })).data.length, 1);

        // Within one batch: the first occurrence is stored, the second is its repeat. Another business may reuse the id.
        const x = eventOf('b1', { id: 'dup-in-batch', data: '{"n":1}' });
        const results = await store.publish([
          { event: x, deliveries: [due('wh_a', T0)] },
          { event: { ...x, data: '{"n":2}' }, deliveries: [due('wh_a', T0)] },
          { event: { ...x, business_id: 'b2' }, deliveries: [due('wh_c', T0)] },
          { event: e, deliveries: [due('wh_a', T0)] },
        ]);
        assert.deepEqual(results.map((r) => [r.created, r.deliveries.length, r.event.data, r.event.business_id]), [
          [true, 1, '{"n":1}', 'b1'],
          [false, 0, '{"n":1}', 'b1'],
          [true, 1, '{"n":1}', 'b2'],
          [false, 0, '{"v":1}', 'b1'],
        ]);
        assert.equal((await store.listDeliveries('b1', {}, { limit: 10 })).data.length, 2);
        assert.deepEqual(await store.publish([]), []);
      });

      test('claimDue: takes only due rows, oldest first, up to the limit, skipping excluded webhooks', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        const [late, early, middle, future, excluded] = [
          due('wh_a', T0 - 10), due('wh_a', T0 - 30), due('wh_b', T0 - 20), due('wh_a', T0 + 1), due('wh_x', T0 - 40),
        ];
        await publishOne(store, 'b1', [late!, early!, middle!, future!, excluded!]);
        const first = await store.claimDue({ owner: 'wrk_1', now: T0, leaseUntil: T0 + 60_000, limit: 2, excludeWebhooks: ['wh_x'] });
        assert.deepEqual(ids(first), [early!.id, middle!.id], 'in the order they fell due');
        const item = first.find((i) => i.delivery.id === early!.id)!;
        assert.equal(item.delivery.lease_owner, 'wrk_1');
        assert.equal(item.delivery.next_attempt_at, T0 + 60_000, 'while held, next_attempt_at is the lease expiry');
        assert.equal(item.delivery.updated_at, T0);
        assert.equal(item.event.id, item.delivery.event_id);
        assert.equal(item.event.data, '{"id":1}');
        const rest = await store.claimDue({ owner: 'wrk_1', now: T0, leaseUntil: T0 + 60_000, limit: 10, excludeWebhooks: ['wh_x'] });
        assert.deepEqual(ids(rest), [late!.id]);
        const noExclusions = await store.claimDue({ owner: 'wrk_1', now: T0, leaseUntil: T0 + 60_000, limit: 10, excludeWebhooks: [] });
        assert.deepEqual(ids(noExclusions), [excluded!.id]);
      });

      test('claimDue: skips the businesses it is told to leave in the store (issue 12: a hung business must not crowd the claim)', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        const crowd = [due('wh_a', T0 - 50), due('wh_a', T0 - 40), due('wh_b', T0 - 30)];
        await publishOne(store, 'b1', crowd);
        const [other] = await publishOne(store, 'b2', [due('wh_c', T0 - 10)], { id: 'e2' });
        const claimed = await store.claimDue({ owner: 'wrk_1', now: T0, leaseUntil: T0 + 60_000, limit: 2, excludeWebhooks: [], excludeBusinesses: ['b1'] });
        assert.deepEqual(ids(claimed), [other], 'the older rows of the excluded business stay where they are');
        const rest = await store.claimDue({ owner: 'wrk_1', now: T0, leaseUntil: T0 + 60_000, limit: 10, excludeWebhooks: [] });
        assert.deepEqual(ids(rest), crowd.map((d) => d.id));
      });

      test('claimDue: a held row is not claimed again until its lease runs out, then another process takes it', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        const published = due('wh_a', T0 + 120_000, 'wrk_publisher');
        const queued = due('wh_a', T0);
        await publishOne(store, 'b1', [published, queued]);
        assert.deepEqual(ids(await store.claimDue({ owner: 'wrk_1', now: T0, leaseUntil: T0 + 1000, limit: 10, excludeWebhooks: [] })), [queued.id]);
        assert.deepEqual(await store.claimDue({ owner: 'wrk_2', now: T0 + 999, leaseUntil: T0 + 5000, limit: 10, excludeWebhooks: [] }), []);
        const stolen = await store.claimDue({ owner: 'wrk_2', now: T0 + 1000, leaseUntil: T0 + 500_000, limit: 10, excludeWebhooks: [] });
        assert.deepEqual(ids(stolen), [queued.id]);
        assert.equal(stolen[0]!.delivery.lease_owner, 'wrk_2');
        const dead = await store.claimDue({ owner: 'wrk_2', now: T0 + 120_000, leaseUntil: T0 + 200_000, limit: 10, excludeWebhooks: [] });
        assert.deepEqual(ids(dead), [published.id], "the publisher's lease expired: its process died before sending");
      });

      test('claimDue: a delivery whose event was purged is failed, not handed out or leased again', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        const gone = due('wh_a', T0 - 2);
        await publishOne(store, 'b1', [gone], { id: 'purged' });
        const kept = due('wh_a', T0 - 1);
        await publishOne(store, 'b1', [kept]);
        await ts.sql("DELETE FROM events WHERE id = 'purged'");
        const claimed = await store.claimDue({ owner: 'wrk_1', now: T0, leaseUntil: T0 + 1000, limit: 10, excludeWebhooks: [] });
        assert.deepEqual(ids(claimed), [kept.id]);
        const orphan = await store.getDelivery('b1', gone.id);
        assert.equal(orphan?.status, 'failed');
        assert.equal(orphan?.next_attempt_at, null);
        assert.deepEqual(await store.claimDue({ owner: 'wrk_2', now: T0 + 500, leaseUntil: T0 + 20_000, limit: 10, excludeWebhooks: [] }), []);
      });

      test('claimDue: two stores claiming in parallel get disjoint sets that cover all 2,000 due rows', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        const other = await ts.openAnother();
        const all: string[] = [];
        for (let e = 0; e < 20; e++) {
          const ds = Array.from({ length: 100 }, (_, i) => due(`wh_${i % 7}`, T0 - 1000 + i));
          all.push(...(await publishOne(store, 'b1', ds)));
        }
        const drain = async (s: Store, owner: string): Promise<string[]> => {
          const got: string[] = [];
          for (;;) {
            const batch = await s.claimDue({ owner, now: T0, leaseUntil: T0 + 60_000, limit: 50, excludeWebhooks: [] });
            if (batch.length === 0) return got;
            got.push(...ids(batch));
          }
        };
        const [a, b] = await Promise.all([drain(store, 'wrk_a'), drain(other, 'wrk_b')]);
        const overlap = a.filter((id) => new Set(b).has(id));
        assert.deepEqual(overlap, [], 'no row was claimed by both');
        assert.equal(a.length + b.length, 2000);
        assert.deepEqual([...a, ...b].sort(), [...all].sort());
      });

      test('leases: renew and release act only for the owner; released rows are claimable at availableAt', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        const [d1, d2] = [due('wh_a', T0), due('wh_a', T0)];
        await publishOne(store, 'b1', [d1, d2]);
        await store.claimDue({ owner: 'wrk_1', now: T0, leaseUntil: T0 + 1000, limit: 10, excludeWebhooks: [] });
        await store.renewLeases('wrk_other', [d1.id], T0 + 99_000);
        await store.renewLeases('wrk_1', [d1.id, d2.id], T0 + 5000);
        await store.renewLeases('wrk_1', [], T0 + 9000);
        assert.equal((await store.getDelivery('b1', d1.id))!.next_attempt_at, T0 + 5000);
        assert.deepEqual(await store.claimDue({ owner: 'wrk_2', now: T0 + 4999, leaseUntil: T0 + 9000, limit: 10, excludeWebhooks: [] }), []);

        await store.releaseLeases('wrk_other', [d1.id], T0);
        assert.equal((await store.getDelivery('b1', d1.id))!.lease_owner, 'wrk_1');
        await store.releaseLeases('wrk_1', [d1.id], T0 + 2000);
        const released = (await store.getDelivery('b1', d1.id))!;
        assert.deepEqual([released.lease_owner, released.next_attempt_at, released.status], [null, T0 + 2000, 'pending']);
        assert.deepEqual(await store.claimDue({ owner: 'wrk_2', now: T0 + 1999, leaseUntil: T0 + 9000, limit: 10, excludeWebhooks: [] }), []);
        assert.deepEqual(ids(await store.claimDue({ owner: 'wrk_2', now: T0 + 2000, leaseUntil: T0 + 9000, limit: 10, excludeWebhooks: [] })), [d1.id]);
      });

      test('park, unpark and fail: parked rows wait with no due time until their webhook is re-enabled', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        const [p1, p2, f1, other] = [due('wh_off', T0), due('wh_off', T0), due('wh_gone', T0), due('wh_on', T0)];
        await publishOne(store, 'b1', [p1, p2, f1, other]);
        await store.claimDue({ owner: 'wrk_1', now: T0, leaseUntil: T0 + 500_000, limit: 10, excludeWebhooks: [] });
        await store.parkDeliveries('wrk_other', [p1.id]);
        assert.equal((await store.getDelivery('b1', p1.id))!.lease_owner, 'wrk_1', 'only the owner parks');
        await store.parkDeliveries('wrk_1', [p1.id, p2.id]);
        await store.failDeliveries('wrk_other', [f1.id], T0 + 5);
        await store.failDeliveries('wrk_1', [f1.id], T0 + 5);
        const parked = (await store.getDelivery('b1', p1.id))!;
        assert.deepEqual([parked.status, parked.next_attempt_at, parked.lease_owner], ['pending', null, null]);
        const failed = (await store.getDelivery('b1', f1.id))!;
        assert.deepEqual([failed.status, failed.next_attempt_at, failed.lease_owner, failed.updated_at], ['failed', null, null, T0 + 5]);
        assert.deepEqual(await store.claimDue({ owner: 'wrk_2', now: T0 + 500, leaseUntil: T0 + 20_000, limit: 10, excludeWebhooks: [] }), []);

        assert.equal(await store.unparkWebhook('wh_gone', T0 + 100), 0, 'failed deliveries stay failed');
        assert.equal(await store.unparkWebhook('wh_off', T0 + 100), 2);
        assert.equal(await store.unparkWebhook('wh_off', T0 + 100), 0);
        const unparked = (await store.getDelivery('b1', p2.id))!;
        assert.deepEqual([unparked.next_attempt_at, unparked.updated_at], [T0 + 100, T0 + 100]);
        assert.deepEqual(
          ids(await store.claimDue({ owner: 'wrk_2', now: T0 + 100, leaseUntil: T0 + 20_000, limit: 10, excludeWebhooks: [] })).sort(),
          [p1.id, p2.id].sort(),
        );
      });

      test('recordOutcomes: numbers attempts per delivery and moves each delivery to its new state', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        const [d1, d2] = [due('wh_a', T0), due('wh_a', T0)];
        await publishOne(store, 'b1', [d1, d2]);
        await store.claimDue({ owner: 'wrk_1', now: T0, leaseUntil: T0 + 1000, limit: 10, excludeWebhooks: [] });
        await store.recordOutcomes(
          [
            outcome(d1.id, 'wrk_1', { status: 'retrying', next_attempt_at: T0 + 60_000 }),
            outcome(d2.id, 'wrk_1', { status: 'succeeded', next_attempt_at: null, status_code: 204 }),
          ],
          T0 + 50,
        );
        const r1 = (await store.getDelivery('b1', d1.id))!;
        assert.deepEqual(
          [r1.status, r1.attempt_count, r1.next_attempt_at, r1.last_status_code, r1.lease_owner, r1.updated_at],
          ['retrying', 1, T0 + 60_000, 500, null, T0 + 50],
        );
        const r2 = (await store.getDelivery('b1', d2.id))!;
        assert.deepEqual([r2.status, r2.attempt_count, r2.next_attempt_at, r2.last_status_code], ['succeeded', 1, null, 204]);
        assert.deepEqual(r2.attempts, [
          { delivery_id: d2.id, number: 1, started_at: T0, duration_ms: 12, status_code: 204, error: null, response_body: 'body' },
        ]);

        await store.claimDue({ owner: 'wrk_2', now: T0 + 60_000, leaseUntil: T0 + 61_000, limit: 10, excludeWebhooks: [] });
        await store.recordOutcomes([outcome(d1.id, 'wrk_2', { status: 'failed', next_attempt_at: null, status_code: null, started_at: T0 + 60_000 })], T0 + 60_100);
        const final = (await store.getDelivery('b1', d1.id))!;
        assert.deepEqual([final.status, final.attempt_count, final.next_attempt_at, final.last_status_code], ['failed', 2, null, null]);
        assert.deepEqual(final.attempts.map((a) => [a.number, a.started_at, a.status_code, a.error, a.response_body]), [
          [1, T0, 500, 'http_status', 'body'],
          [2, T0 + 60_000, null, 'timeout', null],
        ]);
        await store.recordOutcomes([], T0);
      });

      test("recordOutcomes: a stale lease owner's attempt is kept but does not change the delivery", async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        const d = due('wh_a', T0);
        await publishOne(store, 'b1', [d]);
        await store.claimDue({ owner: 'wrk_slow', now: T0, leaseUntil: T0 + 1000, limit: 10, excludeWebhooks: [] });
        await store.claimDue({ owner: 'wrk_new', now: T0 + 1000, leaseUntil: T0 + 2000, limit: 10, excludeWebhooks: [] });
        await store.recordOutcomes([outcome(d.id, 'wrk_slow', { status: 'succeeded', next_attempt_at: null, status_code: 200 })], T0 + 1100);
        let row = (await store.getDelivery('b1', d.id))!;
        assert.deepEqual([row.status, row.lease_owner, row.next_attempt_at, row.attempt_count], ['pending', 'wrk_new', T0 + 2000, 0]);
        assert.deepEqual(row.attempts.map((a) => a.number), [1]);
        await store.recordOutcomes([outcome(d.id, 'wrk_new', { status: 'retrying', next_attempt_at: T0 + 9000, status_code: 503 })], T0 + 1200);
        row = (await store.getDelivery('b1', d.id))!;
        assert.deepEqual([row.status, row.lease_owner, row.next_attempt_at, row.attempt_count, row.last_status_code], ['retrying', null, T0 + 9000, 2, 503]);
        assert.deepEqual(row.attempts.map((a) => [a.number, a.status_code]), [[1, 200], [2, 503]]);
      });

      test('recordOutcomes: two processes recording attempts of the same deliveries at once both succeed, numbered without gaps', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        const other = await ts.openAnother();
        const ds = await publishOne(store, 'b1', Array.from({ length: 50 }, () => due('wh_a', T0)));
        await store.claimDue({ owner: 'wrk_new', now: T0, leaseUntil: T0 + 1000, limit: 100, excludeWebhooks: [] });
        for (let round = 0; round < 5; round++) {
          // The stale owner's attempts are kept too; only their numbering is contended.
          await Promise.all([
            store.recordOutcomes(ds.map((id) => outcome(id, 'wrk_stale')), T0 + round),
            other.recordOutcomes(ds.map((id) => outcome(id, 'wrk_stale')), T0 + round),
          ]);
        }
        for (const id of [ds[0]!, ds[49]!]) {
          const d = (await store.getDelivery('b1', id))!;
          assert.deepEqual(d.attempts.map((a) => a.number), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
          assert.equal(d.lease_owner, 'wrk_new');
        }
      });

      test('recordOutcomes: a response body with a NUL byte is recorded, not a batch that fails forever', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        const d = due('wh_a', T0);
        await publishOne(store, 'b1', [d]);
        await store.claimDue({ owner: 'wrk_1', now: T0, leaseUntil: T0 + 1000, limit: 10, excludeWebhooks: [] });
        const o = outcome(d.id, 'wrk_1');
        o.attempt.response_body = 'bin\u0000ary';
        await store.recordOutcomes([o], T0 + 1);
        const [a] = (await store.getDelivery('b1', d.id))!.attempts;
        assert.match(a!.response_body!, /^bin.ary$/);
      });

      test('listDeliveries: newest first, filtered, paged with a cursor, one business only', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        const e1 = eventOf('b1', { type: 'client/created' });
        const e2 = eventOf('b1', { type: 'invoice/paid' });
        const r = await store.publish([
          { event: e1, deliveries: [due('wh_a', T0), due('wh_b', T0)] },
          { event: e2, deliveries: [due('wh_a', T0), due('wh_b', T0)] },
          { event: eventOf('b2'), deliveries: [due('wh_z', T0)] },
        ]);
        const b1 = [...r[0]!.deliveries, ...r[1]!.deliveries].map((d) => d.id);
        const newestFirst = [...b1].reverse();
        assert.deepEqual((await store.listDeliveries('b1', {}, { limit: 10 })).data.map((d) => d.id), newestFirst);
        assert.deepEqual((await store.listDeliveries('b1', { webhook_id: 'wh_a' }, { limit: 10 })).data.map((d) => d.id), [b1[2], b1[0]]);
        assert.deepEqual((await store.listDeliveries('b1', { event_id: e1.id }, { limit: 10 })).data.map((d) => d.id), [b1[1], b1[0]]);
        assert.deepEqual((await store.listDeliveries('b1', { event_type: 'invoice/paid', webhook_id: 'wh_b' }, { limit: 10 })).data.map((d) => d.id), [b1[3]]);

        await store.claimDue({ owner: 'wrk_1', now: T0, leaseUntil: T0 + 1000, limit: 10, excludeWebhooks: [] });
        await store.failDeliveries('wrk_1', [b1[1]!], T0);
        assert.deepEqual((await store.listDeliveries('b1', { status: 'failed' }, { limit: 10 })).data.map((d) => d.id), [b1[1]]);
        assert.deepEqual((await store.listDeliveries('b1', { status: 'succeeded' }, { limit: 10 })).data, []);

        const p1 = await store.listDeliveries('b1', {}, { limit: 3 });
        assert.deepEqual(p1.data.map((d) => d.id), newestFirst.slice(0, 3));
        assert.ok(p1.next_cursor);
        const p2 = await store.listDeliveries('b1', {}, { limit: 3, cursor: p1.next_cursor });
        assert.deepEqual(p2.data.map((d) => d.id), newestFirst.slice(3));
        assert.equal(p2.next_cursor, null);
        const exact = await store.listDeliveries('b1', {}, { limit: 4 });
        assert.equal(exact.next_cursor, null, 'no empty last page');
        assert.equal(await store.getDelivery('b2', b1[0]!), null, "another business's delivery is not found");
      });

      test('retryDelivery: makes an idle delivery due now and leaves a held one to its holder', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        const [failed, notYet, held] = [due('wh_a', T0), due('wh_a', T0 + 50_000), due('wh_a', T0 + 120_000, 'wrk_publisher')];
        await publishOne(store, 'b1', [failed, notYet, held]);
        await store.claimDue({ owner: 'wrk_1', now: T0, leaseUntil: T0 + 1000, limit: 1, excludeWebhooks: [] });
        await store.recordOutcomes([outcome(failed.id, 'wrk_1', { status: 'failed', next_attempt_at: null })], T0 + 1);

        const retried = (await store.retryDelivery('b1', failed.id, T0 + 10))!;
        assert.deepEqual([retried.status, retried.next_attempt_at, retried.updated_at, retried.attempt_count], ['retrying', T0 + 10, T0 + 10, 1]);
        const early = (await store.retryDelivery('b1', notYet.id, T0 + 10))!;
        assert.deepEqual([early.status, early.next_attempt_at], ['pending', T0 + 10]);
        const untouched = (await store.retryDelivery('b1', held.id, T0 + 10))!;
        assert.deepEqual([untouched.lease_owner, untouched.next_attempt_at, untouched.updated_at], ['wrk_publisher', T0 + 120_000, T0]);
        assert.equal(await store.retryDelivery('b2', failed.id, T0 + 10), null);
        assert.equal(await store.retryDelivery('b1', 'dlv_missing', T0 + 10), null);
        assert.deepEqual(
          ids(await store.claimDue({ owner: 'wrk_2', now: T0 + 10, leaseUntil: T0 + 1000, limit: 10, excludeWebhooks: [] })).sort(),
          [failed.id, notYet.id].sort(),
        );
      });

      test("replayFailed: makes one webhook's failed deliveries of a window (since, optionally until) due again", async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        const old = await publishOne(store, 'b1', [due('wh_a', T0)], { created_at: T0 - 1000 });
        const recent = await publishOne(store, 'b1', [due('wh_a', T0), due('wh_b', T0), due('wh_a', T0)], { created_at: T0 });
        await store.claimDue({ owner: 'wrk_1', now: T0, leaseUntil: T0 + 1000, limit: 10, excludeWebhooks: [] });
        await store.failDeliveries('wrk_1', [old[0]!, recent[0]!, recent[1]!], T0 + 1);
        await store.recordOutcomes([outcome(recent[2]!, 'wrk_1', { status: 'succeeded', next_attempt_at: null, status_code: 200 })], T0 + 1);

        assert.equal(await store.replayFailed('wh_a', T0 - 2000, T0 + 4, T0 - 1), 1, 'until bounds the window: only the older one');
        assert.equal((await store.getDelivery('b1', recent[0]!))!.status, 'failed', 'created after until');
        await store.claimDue({ owner: 'wrk_1', now: T0 + 4, leaseUntil: T0 + 1000, limit: 10, excludeWebhooks: [] });
        await store.failDeliveries('wrk_1', [old[0]!], T0 + 4);
        assert.equal(await store.replayFailed('wh_a', T0, T0 + 5), 1);
        const replayed = (await store.getDelivery('b1', recent[0]!))!;
        assert.deepEqual([replayed.status, replayed.next_attempt_at, replayed.updated_at], ['pending', T0 + 5, T0 + 5], 'never attempted, so pending again');
        assert.equal((await store.getDelivery('b1', old[0]!))!.status, 'failed', 'older than since');
        assert.equal((await store.getDelivery('b1', recent[1]!))!.status, 'failed', 'another webhook');
        assert.equal((await store.getDelivery('b1', recent[2]!))!.status, 'succeeded');
        assert.equal(await store.replayFailed('wh_a', T0, T0 + 6), 0);
      });

      test('deliveryCounts: counts by status and the oldest due time, expired leases included', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        const now = Date.now();
        assert.deepEqual(await store.deliveryCounts(), { pending: 0, retrying: 0, succeeded: 0, failed: 0, oldest_due_at: null });
        const [a, b, c, d] = [due('wh_a', now - 5000), due('wh_a', now - 3000), due('wh_a', now - 2000), due('wh_a', now + 60_000)];
        await publishOne(store, 'b1', [a, b, c, d, due('wh_a', now - 1000, 'wrk_pub')]);
        await store.claimDue({ owner: 'wrk_1', now: now - 4000, leaseUntil: now + 60_000, limit: 1, excludeWebhooks: [] });
        await store.claimDue({ owner: 'wrk_1', now: now - 2500, leaseUntil: now - 2500, limit: 1, excludeWebhooks: [] });
        await store.recordOutcomes([outcome(a.id, 'wrk_1', { status: 'succeeded', next_attempt_at: null, status_code: 200 })], now);
        await store.recordOutcomes([outcome(b.id, 'wrk_1', { status: 'retrying', next_attempt_at: now - 100 })], now);
        const counts = await store.deliveryCounts();
        assert.deepEqual(counts, { pending: 3, retrying: 1, succeeded: 1, failed: 0, oldest_due_at: now - 2000 });
      });

      test('deliveryCounts reads the open backlog through its index and the kept counts, never the whole log (a full scan took 4 s at 10 million rows)', async (t) => {
        const ts = await fresh(t);
        for (const sql of fillSql(20_000)) await ts.sql(sql);
        assert.deepEqual(await ts.store.deliveryCounts(), { pending: 0, retrying: 20, succeeded: 19_000, failed: 980, oldest_due_at: T0 });

        const plan = await countsPlan(factory.kind, ts);
        const onDeliveries = plan.filter((line) => /\bdeliveries\b/.test(line));
        assert.ok(onDeliveries.some((line) => line.includes('deliveries_due')), plan.join('\n'));
        if (factory.kind === 'sqlite') {
          assert.ok(onDeliveries.some((line) => line.includes('USING INDEX deliveries_open')), plan.join('\n'));
          assert.deepEqual(onDeliveries.filter((line) => !/ USING (COVERING )?INDEX /.test(line)), [], plan.join('\n'));
        } else {
          assert.deepEqual(onDeliveries.filter((line) => /Seq Scan on deliveries\b/.test(line)), [], plan.join('\n'));
        }
      });

      test('deliveryCounts: the migration that starts keeping counts counts the deliveries already there', async (t) => {
        const ts = await fresh(t);
        for (const sql of undoCountsMigration(factory.kind)) await ts.sql(sql);
        for (const sql of fillSql(1_000)) await ts.sql(sql);
        await ts.store.migrate();
        assert.deepEqual(await ts.store.deliveryCounts(), { pending: 0, retrying: 1, succeeded: 950, failed: 49, oldest_due_at: T0 });
        const [d] = await publishOne(ts.store, 'b1', [due('wh_a', T0 - 1)]);
        await ts.store.claimDue({ owner: 'wrk_1', now: T0 - 1, leaseUntil: T0 + 1000, limit: 10, excludeWebhooks: [] });
        await ts.store.recordOutcomes([outcome(d!, 'wrk_1', { status: 'succeeded', next_attempt_at: null, status_code: 200 })], T0);
        assert.equal((await ts.store.deliveryCounts()).succeeded, 951, 'and keeps counting from there');
      });

      test('deliveryCounts stays exact when outcome batches are written side by side from several connections', async (t) => {
        const ts = await fresh(t);
        const stores = ts.store.capabilities.multiProcess ? [ts.store, await ts.openAnother()] : [ts.store];
        const ids: string[] = [];
        for (let i = 0; i < 8; i++) ids.push(...(await publishOne(ts.store, 'b1', Array.from({ length: 50 }, () => due('wh_a', T0)))));
        await ts.store.claimDue({ owner: 'wrk_1', now: T0, leaseUntil: T0 + 60_000, limit: 400, excludeWebhooks: [] });
        const finished = (id: string, k: number): AttemptOutcome =>
          outcome(id, 'wrk_1', k % 5 === 0 ? { status: 'failed', next_attempt_at: null } : { status: 'succeeded', next_attempt_at: null, status_code: 200 });
        await Promise.all(
          Array.from({ length: 8 }, (_, b) => stores[b % stores.length]!.recordOutcomes(ids.slice(b * 50, b * 50 + 50).map(finished), T0 + 1)),
        );
        assert.deepEqual(await ts.store.deliveryCounts(), { pending: 0, retrying: 0, succeeded: 320, failed: 80, oldest_due_at: null });
      });

      test('migrate: running it again is a no-op that keeps the data', async (t) => {
        const ts = await fresh(t);
        const store = ts.store;
        await store.createBusiness({ id: 'b1', name: 'B', created_at: T0 });
        await store.createWebhook(webhookOf('b1'));
        await store.migrate();
        await store.migrate();
        assert.equal((await store.listBusinesses()).length, 1);
        assert.equal(await store.webhooksVersion(), 1);
        const applied = await ts.sql('SELECT id, name FROM migrations ORDER BY id');
        assert.deepEqual(applied.map((r) => [Number(r.id), r.name]), migrationFiles(factory.kind).map((f) => [Number(f.slice(0, 4)), f]));
      });

      test('migrate: ten stores migrating one fresh database at once all succeed, and it is migrated once', async (t) => {
        const db = await fresh(t, { migrate: false, isolation: 'database' });
        const stores = [db.store];
        for (let i = 1; i < 10; i++) stores.push(await db.openAnother());
        const results = await Promise.allSettled(stores.map((s) => s.migrate()));
        assert.deepEqual(results.map((r) => r.status), Array(10).fill('fulfilled'), JSON.stringify(results.filter((r) => r.status === 'rejected')));
        assert.deepEqual((await db.sql('SELECT id FROM migrations ORDER BY id')).map((r) => Number(r.id)), migrationFiles(factory.kind).map((f) => Number(f.slice(0, 4))));
        assert.equal(await stores[9]!.webhooksVersion(), 0);
      });

      test('capabilities: a store that says it can notify wakes listeners when deliveries become due', async (t) => {
        // Notifications are per database, so cases running alongside in other schemas would wake this one.
        const ts = await fresh(t, { isolation: 'database' });
        const store = ts.store;
        if (!store.capabilities.notify) {
          t.skip(`${store.kind} has no notify capability`);
          return;
        }
        assert.ok(store instanceof PostgresStore);
        let woken = 0;
        const waitForWake = async (before: number): Promise<void> => {
          const end = Date.now() + 5000;
          while (woken === before) {
            if (Date.now() > end) throw new Error('no notification arrived');
            await new Promise((r) => setTimeout(r, 10));
          }
        };
        const stop = await store.listen(() => woken++);
        try {
          const publisher = await ts.openAnother();
          let before = woken;
          await publishOne(publisher, 'b1', [due('wh_a', T0, 'wrk_holder')]);
          await new Promise((r) => setTimeout(r, 100));
          assert.equal(woken, before, 'a delivery its publisher holds wakes nobody');
          const [d] = await publishOne(publisher, 'b1', [due('wh_a', T0)]);
          await waitForWake(before);

          // The listening connection is cut (a failover, a restart): it comes back and says so.
          before = woken;
          const killed = await ts.sql(
            `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query = 'LISTEN hookline_due' AND pid <> pg_backend_pid()
               AND application_name = (SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid())`,
          );
          assert.equal(killed.length, 1);
          await waitForWake(before);

          before = woken;
          await publisher.claimDue({ owner: 'wrk_1', now: T0, leaseUntil: T0 + 1000, limit: 10, excludeWebhooks: [] });
          await publisher.releaseLeases('wrk_1', [d!], T0);
          await waitForWake(before);
          before = woken;
          assert.ok(await publisher.retryDelivery('b1', d!, T0));
          await waitForWake(before);
        } finally {
          await stop();
          await stop();
        }
      });

      test('errors: an unreachable database is a rejected promise with STORE_UNAVAILABLE, never a crash', async (t) => {
        if (factory.kind !== 'postgres') {
          t.skip('SQLite opens a local file; there is no server to be unreachable');
          return;
        }
        const dead = await PostgresStore.open('postgres://nobody@127.0.0.1:1/none?connect_timeout=2', { onBackgroundError: () => undefined });
        try {
          await rejectsWith(dead.migrate(), 'STORE_UNAVAILABLE');
          await rejectsWith(dead.claimDue({ owner: 'w', now: T0, leaseUntil: T0, limit: 1, excludeWebhooks: [] }), 'STORE_UNAVAILABLE');
          await rejectsWith(dead.listen(() => undefined), 'STORE_UNAVAILABLE');
        } finally {
          await dead.close();
          await dead.close();
        }
        await rejectsWith(dead.getMeta('x'), 'STORE_UNAVAILABLE');
      });
    });
  }
});

after(() => {
  assert.deepEqual(undroppedTestDatabases(), [], 'every test schema and database was dropped');
});
