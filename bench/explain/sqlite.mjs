// The SQLite half of bench/explainPlans.mjs: a fresh file in a temp dir, filled with
// INSERT … SELECT over a recursive counter, then each store operation timed through the real
// SqliteStore, with EXPLAIN QUERY PLAN for every distinct statement it ran.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeTime } from 'ulidx';
import { SqliteStore } from '../../dist/store/sqlite/SqliteStore.js';
import { SqliteRetentionSweep } from '../../dist/store/sqlite/SqliteRetentionSweep.js';
import { migrateSqlite } from '../../dist/store/sqlite/migrate.js';
import { deliveryIdFloor } from '../../dist/ids.js';
import { logQueries, timed, DAY } from './queries.mjs';

function fillSql({ rows, now, spanMs }) {
  const counter = (n) => `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${n - 1})`;
  const t = (i) => `(${now - spanMs} + ((${i}) * ${spanMs} / ${rows}))`;
  const business = (w) => `CASE WHEN (${w}) < 200 THEN 'big' ELSE 'b' || ((${w}) / 10) END`;
  const age = `(${now} - ${t('i')})`;
  const status = `CASE WHEN ${age} < 7200000 OR i % 100003 = 0 THEN 'pending' WHEN ${age} < ${3 * DAY} AND i % 20 = 0 THEN 'retrying'
    WHEN i % 33 = 0 THEN 'failed' ELSE 'succeeded' END`;
  return [
    `${counter(1000)} INSERT INTO businesses SELECT DISTINCT ${business('i')}, 'Business', ${now} FROM s`,
    `${counter(1000)} INSERT INTO webhooks (id, business_id, name, url, events, dialect, enabled, headers, timeout_ms, retry_schedule, rate_limit,
       max_in_flight, ordering, secret, health_state, consecutive_failures, created_at, updated_at)
     SELECT 'wh_' || printf('%026d', i), ${business('i')}, 'hook ' || i, 'https://example.com/' || i, '["*"]', 'standard', 1,
       '{}', 5000, NULL, NULL, 10, 'none', 'whsec_x', 'healthy', 0, ${now - spanMs}, ${now - spanMs} FROM s`,
    `${counter(rows / 2)} INSERT INTO events (business_id, id, type, data, occurred_at, created_at)
     SELECT ${business('(i % 500) * 2')}, 'evt_' || i, 'invoice/paid',
       '{"id":' || i || ',"amount":1999,"currency":"EUR","customer":"cus_' || (i % 10000) || '","lines":[{"sku":"class-pack-10","qty":1}]}',
       ${t('2 * i')}, ${t('2 * i')} FROM s`,
    `${counter(rows)}, d AS (SELECT i, ${t('i')} AS at, ${status} AS status FROM s)
     INSERT INTO deliveries (id, business_id, event_id, webhook_id, event_type, status, attempt_count, next_attempt_at,
       last_status_code, lease_owner, created_at, updated_at)
     SELECT 'dlv_' || ulid_time(at) || printf('%016d', i), ${business('((i / 2) % 500) * 2')}, 'evt_' || (i / 2),
       'wh_' || printf('%026d', ((i / 2) % 500) * 2 + i % 2), 'invoice/paid', status,
       CASE status WHEN 'succeeded' THEN 1 WHEN 'failed' THEN 4 WHEN 'retrying' THEN 2 ELSE 0 END,
       CASE status WHEN 'pending' THEN CASE WHEN ${now} - at < 7200000 THEN at END WHEN 'retrying' THEN ${now} + (i % 3600) * 1000 END,
       CASE status WHEN 'succeeded' THEN 200 WHEN 'pending' THEN NULL ELSE 503 END, NULL, at, at + 1000
     FROM d`,
    `INSERT INTO attempts (delivery_id, number, started_at, duration_ms, status_code, error, response_body)
     SELECT d.id, n.n, d.created_at + n.n * 1000, 120, d.last_status_code, CASE WHEN d.status = 'succeeded' THEN NULL ELSE 'http_status' END, 'ok'
     FROM deliveries d JOIN (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) n ON n.n <= d.attempt_count`,
  ];
}

/** One statement per shape: literals stripped, so 500 runs of one INSERT count once. */
const template = (sql) => sql.replace(/'(?:[^']|'')*'/g, '?').replace(/\b\d+(\.\d+)?\b/g, '?').replace(/\s+/g, ' ').trim();

export async function explainSqlite(shape) {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-explain-'));
  const path = join(dir, 'hookline.db');
  let captured = null;
  const db = new Database(path, { verbose: (sql) => captured?.push(sql) });
  try {
    db.pragma('journal_mode = WAL');
    migrateSqlite(db);
    console.log(`\n## SQLite (${db.prepare('SELECT sqlite_version() AS v').get().v}), ${shape.rows.toLocaleString('en')} deliveries\n`);
    // The fill only: no fsync, a 2 GiB page cache; the store's own settings apply afterwards.
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -2000000');
    const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('events', 'deliveries', 'attempts')").all();
    for (const i of indexes) db.exec(`DROP INDEX ${i.name}`);
    db.function('ulid_time', { deterministic: true }, (t) => encodeTime(t, 10));
    const fillStart = Date.now();
    for (const sql of fillSql(shape)) {
      const { ms } = await timed(() => db.exec(sql));
      console.log(`- fill: ${sql.slice(sql.indexOf('INSERT INTO')).split('\n')[0].slice(0, 60)}… ${(ms / 1000).toFixed(1)} s`);
    }
    for (const i of indexes) {
      const { ms } = await timed(() => db.exec(i.sql));
      console.log(`- index ${i.name}: ${(ms / 1000).toFixed(1)} s`);
    }
    const { ms: analyzeMs } = await timed(() => db.exec('ANALYZE'));
    db.pragma('wal_checkpoint(TRUNCATE)');
    console.log(`- ANALYZE: ${(analyzeMs / 1000).toFixed(1)} s\n- fill in all: ${((Date.now() - fillStart) / 1000).toFixed(0)} s`);
    console.log(`- file: ${(statSync(path).size / 2 ** 30).toFixed(2)} GiB`);
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -2000');

    // Protected in TypeScript, a plain constructor at run time: the store on this connection,
    // so that `verbose` sees every statement it runs.
    const store = new SqliteStore(db);
    const report = async (title, op) => {
      captured = [];
      const { ms } = await timed(op);
      const seen = new Map();
      for (const sql of captured) if (!/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i.test(sql)) seen.set(template(sql), sql);
      captured = null;
      const plans = [...seen.values()].map((sql) => {
        const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all().map((r) => r.detail).join('\n  ');
        return `${template(sql).slice(0, 160)}\n  ${plan}`;
      });
      console.log(`\n#### ${title}\n\n${ms.toFixed(2)} ms\n\n\`\`\`\n${plans.join('\n')}\n\`\`\``);
    };

    const now = shape.now;
    const owner = 'wrk_bench';
    let claimed = [];
    await report('claim: 500 due deliveries, with their events', async () => {
      claimed = await store.claimDue({ owner, now, leaseUntil: now + 120_000, limit: 500, excludeWebhooks: [] });
    });
    await report(`recordOutcomes: ${claimed.length} attempts, one transaction`, () =>
      store.recordOutcomes(claimed.map(({ delivery }) => ({
        attempt: { delivery_id: delivery.id, number: 0, started_at: now, duration_ms: 87, status_code: 200, error: null, response_body: 'ok' },
        status: 'succeeded', next_attempt_at: null, lease_owner: owner,
      })), now),
    );
    await report('publish: 100 events, 200 deliveries, one transaction', () =>
      store.publish(Array.from({ length: 100 }, (_, k) => ({
        event: { id: `evt_bench_${k}`, business_id: 'big', type: 'invoice/paid', data: '{"id":1}', occurred_at: now, created_at: now },
        deliveries: [0, 1].map((j) => ({ id: `${deliveryIdFloor(now)}${String(k * 2 + j).padStart(16, '0')}`, webhook_id: `wh_${String(j).padStart(26, '0')}`, lease_owner: owner, next_attempt_at: now + 120_000 })),
      }))),
    );
    for (const q of await logQueries(shape, async (sql, params) => db.prepare(sql).all(...params), { dollar: false })) {
      await report(q.title, async () => db.prepare(q.sql).all(...q.params));
    }
    const sweep = new SqliteRetentionSweep(db, () => undefined);
    const before = now - 30 * DAY;
    await report('retention: one batch of 1,000 deliveries (and their attempts)', () => sweep.purgeDeliveries({ before, cursor: null, limit: 1000 }));
    await report('retention: one batch of 1,000 events', () => sweep.purgeEvents({ before, cursor: null, limit: 1000 }));
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
