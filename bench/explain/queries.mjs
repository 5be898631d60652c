// The delivery-log queries both stores run (src/store/*/…Deliveries.ts listDeliveries and
// deliveryCounts), written once with `?` placeholders; PostgreSQL gets them numbered.

export const DAY = 86_400_000;

export async function timed(fn) {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

const COLUMNS = 'id, business_id, event_id, webhook_id, event_type, status, attempt_count, next_attempt_at, last_status_code, lease_owner, created_at, updated_at';

/** listDeliveries' statement for a filter, as both stores build it: newest first, one row more than the page. */
function listSql(filter) {
  const where = ['business_id = ?'];
  if (filter.before) where.push('id < ?');
  if (filter.webhook_id) where.push('webhook_id = ?');
  if (filter.event_id) where.push('event_id = ?');
  if (filter.status) where.push('status = ?');
  if (filter.status && filter.status !== 'succeeded') where.push("status <> 'succeeded'");
  const params = [filter.business, filter.before, filter.webhook_id, filter.event_id, filter.status].filter((v) => v !== undefined);
  return { sql: `SELECT ${COLUMNS} FROM deliveries WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`, params: [...params, 51] };
}

export const numbered = (sql) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/**
 * The log queries to explain, with real ids read from the filled database by `rows(sql, params)`
 * (`?` placeholders; the caller numbers them for PostgreSQL).
 */
export async function logQueries(shape, rows, { dollar = true } = {}) {
  const q = (sql) => (dollar ? numbered(sql) : sql);
  const middle = (await rows(q('SELECT id FROM deliveries WHERE business_id = ? AND created_at < ? ORDER BY id DESC LIMIT 1'), ['big', shape.now - 30 * DAY]))[0].id;
  const event = (await rows(q('SELECT event_id FROM deliveries WHERE id = ?'), [middle]))[0].event_id;
  const webhook = 'wh_' + '7'.padStart(26, '0');
  const oldestDue = (await rows(q("SELECT id FROM deliveries WHERE business_id = ? AND status = 'pending' AND next_attempt_at IS NOT NULL ORDER BY id LIMIT 1"), ['big']))[0]?.id ?? middle;
  const list = [
    ['log: one business, newest first (20% of all rows)', { business: 'big' }],
    ['log: next page by cursor, 30 days back', { business: 'big', before: middle }],
    ['log: one webhook', { business: 'big', webhook_id: webhook }],
    ['log: one event', { business: 'big', event_id: event }],
    ['log: status = failed (3% of rows)', { business: 'big', status: 'failed' }],
    ['log: status = failed, next page 30 days back', { business: 'big', status: 'failed', before: middle }],
    ['log: status = pending, past the due backlog (the rare parked rows)', { business: 'big', status: 'pending', before: oldestDue }],
    ['log: one webhook, status = failed', { business: 'big', webhook_id: webhook, status: 'failed' }],
  ];
  const out = list.map(([title, filter]) => {
    const { sql, params } = listSql(filter);
    return { title, sql: q(sql), params };
  });
  out.push({
    title: 'status counts by full scan (what deliveryCounts did before migration 0004; docs/architecture.md#counting-deliveries)',
    sql: q(`SELECT status, count(*) AS n FROM deliveries GROUP BY status`),
    params: [],
  });
  return out;
}
