import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PublishItem } from '../src/store/Store.js';
import { HooklineError } from '../src/errors.js';
import type { PgDatabase } from '../src/store/postgres/PgDatabase.js';
import { PostgresStore } from '../src/store/postgres/PostgresStore.js';
import { CLAIM_SQL } from '../src/store/postgres/claimDueDeliveries.js';
import { PUBLISH_SQL } from '../src/store/postgres/publishEvents.js';
import { poolConfigFromUrl, preparedStatementsFromUrl } from '../src/store/postgres/poolConfig.js';
import pg from 'pg';
import { createTestSchema, probePostgres, queryTestDatabase } from './helpers/postgres.js';
import { migratedStoreWithBusiness } from './helpers/postgresStore.js';

/**
 * How the PostgreSQL store talks to the server on its hot path: which statements it keeps
 * prepared, and plans that stay per-row lookups however stale the statistics are.
 */

const pgReady = await probePostgres();
const skip = pgReady.available ? false : pgReady.reason;

function items(from: number, count: number, owner: string | null, at: number): PublishItem[] {
  return Array.from({ length: count }, (_, k) => {
    const n = from + k;
    return {
      event: { id: `e${n}`, business_id: 'b', type: 'invoice/paid', data: '{"n":1}', occurred_at: at, created_at: at },
      deliveries: [{ id: `d${String(n).padStart(8, '0')}`, webhook_id: `w${n % 20}`, lease_owner: owner, next_attempt_at: owner ? at + 600_000 : at }],
    };
  });
}

const withParams = (url: string, params: string): string => `${url}${url.includes('?') ? '&' : '?'}${params}`;
/** The store's own connection (pool_max=1), to ask the server what that session has prepared. */
const dbOf = (store: PostgresStore): PgDatabase => (store as unknown as { db: PgDatabase }).db;

test('prepared_statements: true by default, false turns it off, anything else is refused; pg never sees the parameter', () => {
  assert.equal(preparedStatementsFromUrl('postgres://h/db'), true);
  assert.equal(preparedStatementsFromUrl('postgres://h/db?prepared_statements=true'), true);
  assert.equal(preparedStatementsFromUrl('postgres://h/db?prepared_statements=false'), false);
  assert.throws(
    () => preparedStatementsFromUrl('postgres://h/db?prepared_statements=no'),
    (err: unknown) => err instanceof HooklineError && err.code === 'CONFIG_INVALID' && /prepared_statements=no must be true or false/.test(err.message),
  );
  const config = poolConfigFromUrl('postgres://h/db?prepared_statements=false&pool_max=3');
  assert.doesNotMatch(String(config.connectionString), /prepared_statements/);
  assert.equal(config.max, 3);
});

test('the hot statements are prepared once per connection, and sent unnamed with prepared_statements=false', { skip }, async (t) => {
  const schema = await createTestSchema();
  t.after(() => schema.drop());
  const setup = await PostgresStore.open(schema.url);
  await setup.migrate();
  await setup.createBusiness({ id: 'b', name: 'b', created_at: 1 });
  await setup.close();

  const preparedBy = async (params: string, first: number): Promise<string[]> => {
    const store = await PostgresStore.open(withParams(schema.url, `pool_max=1&${params}`));
    try {
      const now = Date.now();
      const [published] = await store.publish(items(first, 1, 'me', now));
      await store.claimDue({ owner: 'me', now, leaseUntil: now + 60_000, limit: 10, excludeWebhooks: [] });
      await store.recordOutcomes(
        [{ attempt: { delivery_id: published!.deliveries[0]!.id, number: 1, started_at: now, duration_ms: 1, status_code: 200, error: null, response_body: 'ok' }, status: 'succeeded', next_attempt_at: null, lease_owner: 'me' }],
        now,
      );
      const { rows } = await dbOf(store).query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name');
      return rows.map((r) => r.name);
    } finally {
      await store.close();
    }
  };

  const named = await preparedBy('prepared_statements=true', 0);
  assert.equal(named.length, 3, `publish, claim and record each prepared once: ${named.join(', ')}`);
  assert.ok(named.every((n) => /^hookline_[0-9a-f]{20}$/.test(n)), named.join(', '));
  assert.ok(named.includes(CLAIM_SQL.name));
  assert.deepEqual(await preparedBy('prepared_statements=false', 1), []);
});

test('the claim reads events and deliveries by key even when stale statistics promise thousands of due rows', { skip }, async (t) => {
  const { schema, store } = await migratedStoreWithBusiness(t);
  const now = Date.now();
  // 3,000 due deliveries when the statistics are taken, then all claimed: the planner still
  // believes they are due, which is how a young table or a drained backlog looks to it.
  for (let i = 0; i < 3; i++) await store.publish(items(i * 1000, 1000, null, now));
  await queryTestDatabase(schema.url, 'ANALYZE');
  let claimed = 0;
  for (let got = -1; got !== 0; claimed += got) {
    got = (await store.claimDue({ owner: 'other', now, leaseUntil: now + 600_000, limit: 1000, excludeWebhooks: [] })).length;
  }
  assert.equal(claimed, 3000);
  await store.publish(items(3000, 5, null, now));

  const params = ['me', now + 60_000, now + 1, 100, '{}', '{}', '{}', 0].map((p) => (typeof p === 'string' ? `'${p}'` : p));
  const sql = CLAIM_SQL.text.replace(/\$(\d)(::[a-z\[\]]+)?/g, (_, n: string, cast: string | undefined) => `${params[Number(n) - 1]}${cast ?? ''}`);
  const plan = (await queryTestDatabase(schema.url, `EXPLAIN ${sql}`)).map((r) => String(r['QUERY PLAN'])).join('\n');
  assert.doesNotMatch(plan, /Seq Scan on (events|deliveries)\b/, plan);
  assert.doesNotMatch(plan, /hashed SubPlan/, plan);

  const got = await store.claimDue({ owner: 'me', now: now + 1, leaseUntil: now + 60_000, limit: 100, excludeWebhooks: [] });
  assert.deepEqual(got.map((i) => i.event.id).sort(), ['e3000', 'e3001', 'e3002', 'e3003', 'e3004']);
});

test('issue 19: the prepared publish never scans events, even planned generic while the tables were empty and never analysed since', { skip }, async (t) => {
  const { schema, store } = await migratedStoreWithBusiness(t);
  // Empty-table statistics, and the generic plan a prepared statement settles on after a few
  // publishes; without autovacuum nothing ever replaces it, however large `events` grows.
  await queryTestDatabase(schema.url, 'ANALYZE');
  const args = [['b'], ['e'], ['t'], '["{}"]', [1], [1], ['d'], ['b'], ['e'], ['w'], ['t'], [1], ['me'], [1], [], []]
    .map((a) => (typeof a === 'string' ? `'${a}'` : `'{${a.join(',')}}'`)).join(', ');
  const plan = await queryTestDatabase(schema.url, `SET plan_cache_mode = force_generic_plan; PREPARE p AS ${PUBLISH_SQL.text}; EXPLAIN EXECUTE p(${args})`);
  const text = plan.map((r) => String(r['QUERY PLAN'])).join('\n');
  assert.match(text, /Insert on events/, text);
  assert.doesNotMatch(text, /Scan on events\b/, text);
  // The sender-lease check is one call per publish, and what that call runs is planned inside it.
  assert.doesNotMatch(text, /on webhook_senders\b/, text);
  assert.equal(text.match(/Function Scan on sender_leases_of/g)?.length, 1, text);

  // Repeats are still answered with what was stored first, through the statement read afterwards.
  const now = Date.now();
  await store.publish(items(0, 3, null, now));
  const again = await store.publish([...items(1, 1, null, now + 5), ...items(7, 1, null, now + 5)].map((i) => ({ ...i, event: { ...i.event, data: '{"n":2}' } })));
  assert.deepEqual(again.map((r) => [r.event.id, r.created, r.event.data, r.event.created_at, r.deliveries.length]), [['e1', false, '{"n":1}', now, 0], ['e7', true, '{"n":2}', now + 5, 1]]);
});

test('issue 19: the publish reads sender leases through the primary key, even planned generic while webhook_senders was empty and never analysed since', { skip }, async (t) => {
  const schema = await createTestSchema();
  t.after(() => schema.drop());
  const store = await PostgresStore.open(schema.url);
  await store.migrate();
  await store.close();
  await queryTestDatabase(schema.url, 'ANALYZE');
  // auto_explain reports the plans of statements run inside functions, which EXPLAIN cannot show.
  const client = new pg.Client({ connectionString: schema.url });
  await client.connect();
  t.after(() => client.end());
  const logged: string[] = [];
  client.on('notice', (n) => logged.push(String(n.message)));
  await client.query("LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on; SET client_min_messages = log; SET plan_cache_mode = force_generic_plan");
  // PL/pgSQL plans on the first call and keeps that plan; the second call shows what it kept.
  await client.query("SELECT * FROM sender_leases_of(ARRAY['w1', 'w2'])");
  logged.length = 0;
  await client.query("INSERT INTO webhook_senders VALUES ('w1', 'other', 1)");
  const { rows } = await client.query("SELECT * FROM sender_leases_of(ARRAY['w1', 'w2', 'w1'])");
  assert.deepEqual(rows, [{ webhook_id: 'w1', owner: 'other', lease_until: '1' }]);
  const inner = logged.find((l) => /FROM webhook_senders s/.test(l));
  assert.ok(inner, logged.join('\n---\n'));
  assert.match(inner, /Index (Only )?Scan using webhook_senders_pkey|Bitmap Index Scan on webhook_senders_pkey/, inner);
  assert.doesNotMatch(inner, /Seq Scan/, inner);
});
