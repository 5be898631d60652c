// The PostgreSQL half of bench/explainPlans.mjs: a fresh database, filled with INSERT … SELECT
// generate_series, every hot statement under EXPLAIN (ANALYZE, BUFFERS), then dropped.
import pg from 'pg';
import { PostgresStore } from '../../dist/store/postgres/PostgresStore.js';
import { CLAIM_SQL } from '../../dist/store/postgres/claimDueDeliveries.js';
import { PUBLISH_SQL } from '../../dist/store/postgres/publishEvents.js';
import { RECORD_SQL } from '../../dist/store/postgres/recordAttemptOutcomes.js';
import { PURGE_DELIVERIES_SQL, PURGE_EVENTS_SQL } from '../../dist/store/postgres/PostgresRetentionSweep.js';
import { deliveryIdFloor } from '../../dist/ids.js';
import { logQueries, timed, DAY } from './queries.mjs';

const ADMIN_URL = process.env.HOOKLINE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Crockford base32 of a 48-bit time, as the first 10 characters of a ULID (inlined by the planner). */
const ULID_TIME_FN = `CREATE FUNCTION pg_temp.ulid_time(t bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT ${
  [45, 40, 35, 30, 25, 20, 15, 10, 5, 0].map((s) => `substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((t >> ${s}) & 31)::int + 1, 1)`).join(' || ')
} $$`;

/** The statements that fill; `t(i)` spreads row i over the 60 days ending at now. */
function fillSql({ rows, now, spanMs }) {
  const events = rows / 2;
  const t = (i) => `(${now - spanMs}::bigint + ((${i})::bigint * ${spanMs}::bigint / ${rows}))`;
  const business = (w) => `CASE WHEN (${w}) < 200 THEN 'big' ELSE 'b' || ((${w}) / 10) END`;
  const age = `(${now}::bigint - ${t('i')})`;
  return [
    `INSERT INTO businesses SELECT DISTINCT ${business('w')}, 'Business', ${now} FROM generate_series(0, 999) w`,
    `INSERT INTO webhooks (id, business_id, name, url, events, dialect, enabled, headers, timeout_ms, retry_schedule, rate_limit,
       max_in_flight, ordering, secret, health_state, consecutive_failures, created_at, updated_at)
     SELECT 'wh_' || lpad(w::text, 26, '0'), ${business('w')}, 'hook ' || w, 'https://example.com/' || w, '["*"]', 'standard', true,
       '{}', 5000, NULL, NULL, 10, 'none', 'whsec_x', 'healthy', 0, ${now - spanMs}, ${now - spanMs}
     FROM generate_series(0, 999) w`,
    `INSERT INTO events (business_id, id, type, data, occurred_at, created_at)
     SELECT ${business('(j % 500) * 2')}, 'evt_' || j, 'invoice/paid',
       '{"id":' || j || ',"amount":1999,"currency":"EUR","customer":"cus_' || (j % 10000) || '","lines":[{"sku":"class-pack-10","qty":1}]}',
       ${t('2 * j')}, ${t('2 * j')}
     FROM generate_series(0, ${events - 1}) j`,
    `INSERT INTO deliveries (id, business_id, event_id, webhook_id, event_type, status, attempt_count, next_attempt_at,
       last_status_code, lease_owner, created_at, updated_at)
     SELECT 'dlv_' || pg_temp.ulid_time(${t('i')}) || lpad(i::text, 16, '0'), ${business('((i / 2) % 500) * 2')}, 'evt_' || (i / 2),
       'wh_' || lpad((((i / 2) % 500) * 2 + i % 2)::text, 26, '0'), 'invoice/paid', s.status,
       CASE s.status WHEN 'succeeded' THEN 1 WHEN 'failed' THEN 4 WHEN 'retrying' THEN 2 ELSE 0 END,
       CASE s.status WHEN 'pending' THEN CASE WHEN ${age} < 7200000 THEN ${t('i')} END WHEN 'retrying' THEN ${now} + (i % 3600) * 1000 END,
       CASE s.status WHEN 'succeeded' THEN 200 WHEN 'pending' THEN NULL ELSE 503 END, NULL, ${t('i')}, ${t('i')} + 1000
     FROM generate_series(0, ${rows - 1}) i,
     LATERAL (SELECT CASE WHEN ${age} < 7200000 OR i % 100003 = 0 THEN 'pending'
                          WHEN ${age} < ${3 * DAY} AND i % 20 = 0 THEN 'retrying'
                          WHEN i % 33 = 0 THEN 'failed' ELSE 'succeeded' END AS status) s`,
    `INSERT INTO attempts (delivery_id, number, started_at, duration_ms, status_code, error, response_body)
     SELECT d.id, n, d.created_at + n * 1000, 120, d.last_status_code, CASE WHEN d.status = 'succeeded' THEN NULL ELSE 'http_status' END, 'ok'
     FROM deliveries d, generate_series(1, d.attempt_count) n`,
  ];
}

/**
 * Runs `sql` under EXPLAIN (ANALYZE, BUFFERS) twice, the first to warm the cache, and prints
 * the second. `rollback`: each run is undone (a savepoint), so writes explain on the same data.
 */
async function explain(c, title, sql, params, { rollback = false } = {}) {
  const once = async () => {
    if (rollback) await c.query('SAVEPOINT explain');
    try {
      return (await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql.text ?? sql}`, params)).rows.map((r) => r['QUERY PLAN']);
    } finally {
      if (rollback) await c.query('ROLLBACK TO SAVEPOINT explain');
    }
  };
  const own = rollback && !c.inTransaction;
  if (own) await c.query('BEGIN');
  try {
    await once();
    const plan = await once();
    console.log(`\n#### ${title}\n\n\`\`\`\n${plan.join('\n')}\n\`\`\``);
  } finally {
    if (own) await c.query('ROLLBACK');
  }
}

export async function explainPostgres(shape) {
  const name = `hookline_explain_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const c = new pg.Client({ connectionString: url.toString() });
  try {
    const store = await PostgresStore.open(url.toString());
    await store.migrate();
    await store.close();
    await c.connect();
    await c.query("SET synchronous_commit = off; SET maintenance_work_mem = '1GB'; SET work_mem = '256MB'; SET statement_timeout = 0");
    console.log(`## PostgreSQL (${(await c.query('SHOW server_version')).rows[0].server_version}), ${shape.rows.toLocaleString('en')} deliveries\n`);

    // Secondary indexes are built once after the fill: sorting once beats maintaining them row by row.
    const { rows: indexes } = await c.query(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('events', 'deliveries', 'attempts') AND indexname NOT LIKE '%_pkey'`,
    );
    for (const i of indexes) await c.query(`DROP INDEX ${i.indexname}`);
    await c.query(ULID_TIME_FN);
    const fillStart = Date.now();
    for (const sql of fillSql(shape)) {
      const { ms } = await timed(() => c.query(sql));
      console.log(`- fill: ${sql.trim().split('\n')[0].slice(0, 60)}… ${(ms / 1000).toFixed(1)} s`);
    }
    for (const i of indexes) {
      const { ms } = await timed(() => c.query(i.indexdef));
      console.log(`- index ${i.indexname}: ${(ms / 1000).toFixed(1)} s`);
    }
    const { ms: vacuumMs } = await timed(() => c.query('VACUUM ANALYZE'));
    console.log(`- VACUUM ANALYZE: ${(vacuumMs / 1000).toFixed(1)} s\n- fill in all: ${((Date.now() - fillStart) / 1000).toFixed(0)} s`);
    const sizes = await c.query(
      `SELECT relname, n_live_tup, pg_size_pretty(pg_total_relation_size(relid)) AS size FROM pg_stat_user_tables
       WHERE relname IN ('events', 'deliveries', 'attempts') ORDER BY relname`,
    );
    for (const s of sizes.rows) console.log(`- ${s.relname}: ${Number(s.n_live_tup).toLocaleString('en')} rows, ${s.size} with indexes`);

    const now = shape.now;
    const owner = 'wrk_bench';
    await explain(c, 'claim: 500 due deliveries, with their events', CLAIM_SQL, [owner, now + 120_000, now, 500, [], []], { rollback: true });

    // recordOutcomes needs rows leased to its owner: claim them in the same transaction first.
    await c.query('BEGIN');
    c.inTransaction = true;
    const claimed = (await c.query(CLAIM_SQL.text, [owner, now + 120_000, now, 500, [], []])).rows;
    const n = claimed.length;
    await explain(c, `recordOutcomes: ${n} attempts, one statement`, RECORD_SQL, [
      claimed.map((r) => r.id), claimed.map(() => now), claimed.map(() => 87), claimed.map(() => 200), claimed.map(() => null),
      claimed.map(() => 'ok'), claimed.map(() => 'succeeded'), claimed.map(() => null), claimed.map(() => owner), now,
    ], { rollback: true });
    await c.query('ROLLBACK');
    c.inTransaction = false;

    const ev = Array.from({ length: 100 }, (_, k) => `evt_bench_${k}`);
    const dl = ev.flatMap((_, k) => [0, 1].map((j) => ({ id: `${deliveryIdFloor(now)}${String(k * 2 + j).padStart(16, '0')}`, k, w: `wh_${String(j).padStart(26, '0')}` })));
    await explain(c, 'publish: 100 events, 200 deliveries, one statement', PUBLISH_SQL, [
      ev.map(() => 'big'), ev, ev.map(() => 'invoice/paid'), JSON.stringify(ev.map(() => '{"id":1}')), ev.map(() => now), ev.map(() => now),
      dl.map((d) => d.id), dl.map(() => 'big'), dl.map((d) => ev[d.k]), dl.map((d) => d.w), dl.map(() => 'invoice/paid'),
      dl.map(() => now + 120_000), dl.map(() => owner), dl.map(() => now),
    ], { rollback: true });

    for (const q of await logQueries(shape, async (sql, params) => (await c.query(sql, params)).rows)) {
      await explain(c, q.title, q.sql, q.params);
    }

    const before = now - 30 * DAY;
    await explain(c, 'retention: one batch of 1,000 deliveries (and their attempts)', PURGE_DELIVERIES_SQL, ['', deliveryIdFloor(before), 1000, before], { rollback: true });
    await explain(c, 'retention: one batch of 1,000 events', PURGE_EVENTS_SQL, [before, -1, '', '', 1000], { rollback: true });
  } finally {
    await c.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
