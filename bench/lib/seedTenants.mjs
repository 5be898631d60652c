// Many businesses with their webhooks, written straight into a store (issue 19's 100,000 × 3):
// through the API that took 101 s; here one template business is created through the real
// store (so every column is coded as the store codes it), then copied N times by one
// INSERT … SELECT in the database. Imports the store of the build given (`npm run build` first),
// so the database is migrated by the same code that will serve it.
import Database from 'better-sqlite3';
import pg from 'pg';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const TEMPLATE = 'tenant_template';

/** Business n's id; its webhook k is `wh_<business>_k<k>`. */
export const tenantId = (n) => `t${String(n).padStart(6, '0')}`;
export const tenantWebhookId = (n, k) => `wh_${tenantId(n)}_k${k}`;

/**
 * Creates `businesses` businesses, each with one webhook per entry of `types` (webhook k
 * subscribed to types[k], all sending to `url`). Returns how long it took.
 */
export async function seedTenants(databaseUrl, { businesses, types, url, dist }) {
  const started = Date.now();
  const load = (file) => import(pathToFileURL(join(dist, file)).href);
  const [{ openStore }, { WEBHOOK_COLUMNS }, { newWebhookRow }] = await Promise.all([
    load('store/openStore.js'),
    load('store/columns.js'),
    load('webhooks/newWebhookRow.js'),
  ]);
  const store = await openStore(databaseUrl);
  try {
    await store.migrate();
    // As a database that has served before records: its secrets are stored as given (no key).
    // Without it the first start re-checks every webhook's secrets, one query per business.
    await store.setMeta('secrets_key_id', 'none');
    await store.createBusiness({ id: TEMPLATE, name: TEMPLATE, created_at: Date.now() });
    for (const [k, type] of types.entries()) await store.createWebhook(newWebhookRow(TEMPLATE, { name: `k${k}`, url, events: [type] }));
  } finally {
    await store.close();
  }
  const others = WEBHOOK_COLUMNS.filter((c) => c !== 'id' && c !== 'business_id');
  if (databaseUrl.startsWith('file:')) seedSqlite(databaseUrl.slice('file:'.length).split('?')[0], businesses, others);
  else await seedPostgres(databaseUrl, businesses, others);
  return { ms: Date.now() - started };
}

function seedSqlite(path, n, others) {
  const db = new Database(path);
  try {
    const series = 'WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?)';
    const biz = "printf('t%06d', s.i)";
    db.transaction(() => {
      db.prepare(`${series} INSERT INTO businesses (id, name, created_at) SELECT ${biz}, ${biz}, created_at FROM s, businesses WHERE id = ?`).run(n, TEMPLATE);
      db.prepare(
        `${series} INSERT INTO webhooks (id, business_id, ${others.join(', ')})
         SELECT 'wh_' || ${biz} || '_' || w.name, ${biz}, ${others.map((c) => `w.${c}`).join(', ')}
         FROM s, webhooks w WHERE w.business_id = ?`,
      ).run(n, TEMPLATE);
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

async function seedPostgres(url, n, others) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const biz = "'t' || lpad(s.i::text, 6, '0')";
    await client.query('BEGIN');
    await client.query(`INSERT INTO businesses (id, name, created_at) SELECT ${biz}, ${biz}, created_at FROM generate_series(0, $1 - 1) AS s(i), businesses WHERE id = $2`, [n, TEMPLATE]);
    await client.query(
      `INSERT INTO webhooks (id, business_id, ${others.join(', ')})
       SELECT 'wh_' || ${biz} || '_' || w.name, ${biz}, ${others.map((c) => `w.${c}`).join(', ')}
       FROM generate_series(0, $1 - 1) AS s(i), webhooks w WHERE w.business_id = $2`,
      [n, TEMPLATE],
    );
    await client.query('COMMIT');
    await client.query('ANALYZE businesses');
    await client.query('ANALYZE webhooks');
  } finally {
    await client.end();
  }
}
