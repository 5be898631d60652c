import type { Page, WebhookChanges, WebhookHealth, WebhookPatch, WebhookRow, WebhookSecretsRow } from '../Store.js';
import { decodeCursor } from '../cursor.js';
import { WEBHOOK_SECRET_COLUMNS, webhookPatchColumns, webhookSecretsFromColumns, webhookSecretsToColumns, webhookToColumns } from '../columnCoding.js';
import { columnList, WEBHOOK_COLUMNS } from '../columns.js';
import { UNSENT_UNHELD } from '../webhookGone.js';
import { pageOf, rowsForPage } from '../paging.js';
import type { PgDatabase, PgQueryable } from './PgDatabase.js';
import { prepared } from './PreparedStatement.js';
import { COLUMN_CODING, webhookFromRow, type RawRow } from './rows.js';

/*
 * Webhooks on PostgreSQL. Every change bumps the `webhooks_version` meta row in the same
 * statement and records the new version on the webhook's business, so publishers caching
 * their matching see which businesses changed (Store.webhookChangesSince).
 */

const WEBHOOK = columnList(WEBHOOK_COLUMNS);

/**
 * Bumps the webhooks version in the same statement (so the same transaction) as a webhook
 * change in CTE `changed` (which returns `business_id`), and stamps that business with it. The
 * meta row's lock orders the bumps, so versions become visible in the order they were taken.
 */
const bumpIf = (condition: string): string => `bump AS (
  UPDATE meta SET value = (value::bigint + 1)::text
  WHERE key = 'webhooks_version' AND ${condition} EXISTS (SELECT FROM changed)
  RETURNING value::bigint AS version
), stamp AS (
  UPDATE businesses b SET webhooks_version = bump.version
  FROM bump WHERE b.id IN (SELECT business_id FROM changed)
)`;
const BUMP_IF_CHANGED = bumpIf('');

// Asked on every publish; almost always finds nothing.
const WEBHOOK_CHANGES_SINCE = prepared('SELECT id, webhooks_version FROM businesses WHERE webhooks_version > $1 ORDER BY webhooks_version');

// Read on every publish to a business the matcher does not hold (with many businesses, most of them).
const WEBHOOKS_OF_BUSINESS = prepared(`SELECT ${WEBHOOK} FROM webhooks WHERE business_id = $1 AND deleted_at IS NULL ORDER BY id`);

// Read on every queue the dispatcher opens.
const GET_WEBHOOK_BY_ID = prepared(`SELECT ${WEBHOOK} FROM webhooks WHERE id = $1 AND deleted_at IS NULL`);

export async function createWebhook(db: PgDatabase, row: WebhookRow): Promise<WebhookRow> {
  const cols = webhookToColumns(row, COLUMN_CODING);
  await db.query(
    `WITH changed AS (
       INSERT INTO webhooks (${cols.map(([c]) => c).join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING business_id
     ), ${BUMP_IF_CHANGED}
     SELECT count(*) FROM changed`,
    cols.map(([, v]) => v),
  );
  return row;
}

export async function getWebhook(db: PgDatabase, businessId: string, id: string): Promise<WebhookRow | null> {
  const { rows } = await db.query(`SELECT ${WEBHOOK} FROM webhooks WHERE id = $1 AND business_id = $2 AND deleted_at IS NULL`, [id, businessId]);
  return rows[0] ? webhookFromRow(rows[0]) : null;
}

export async function getWebhookById(db: PgDatabase, id: string): Promise<WebhookRow | null> {
  const { rows } = await db.query(GET_WEBHOOK_BY_ID, [id]);
  return rows[0] ? webhookFromRow(rows[0]) : null;
}

export async function listWebhooks(db: PgDatabase, businessId: string, opts: { cursor?: string; limit: number }): Promise<Page<WebhookRow>> {
  const after = decodeCursor(opts.cursor) ?? '';
  const { rows } = await db.query(
    `SELECT ${WEBHOOK} FROM webhooks WHERE business_id = $1 AND deleted_at IS NULL AND id > $2 ORDER BY id LIMIT $3`,
    [businessId, after, rowsForPage(opts.limit)],
  );
  return pageOf((rows as RawRow[]).map(webhookFromRow), opts.limit);
}

export async function webhooksOfBusiness(db: PgQueryable, businessId: string): Promise<WebhookRow[]> {
  const { rows } = await db.query(WEBHOOKS_OF_BUSINESS, [businessId]);
  return (rows as RawRow[]).map(webhookFromRow);
}

export async function webhooksAfter(db: PgDatabase, afterId: string, limit: number): Promise<WebhookRow[]> {
  const { rows } = await db.query(`SELECT ${WEBHOOK} FROM webhooks WHERE id > $1 AND deleted_at IS NULL ORDER BY id LIMIT $2`, [afterId, limit]);
  return (rows as RawRow[]).map(webhookFromRow);
}

export async function webhookSecretsAfter(db: PgDatabase, afterId: string, limit: number): Promise<WebhookSecretsRow[]> {
  const { rows } = await db.query(`SELECT ${WEBHOOK_SECRET_COLUMNS} FROM webhooks WHERE id > $1 AND deleted_at IS NULL ORDER BY id LIMIT $2`, [afterId, limit]);
  return (rows as RawRow[]).map((r) => webhookSecretsFromColumns(r, COLUMN_CODING));
}

export async function rewriteWebhookSecrets(db: PgDatabase, rows: WebhookSecretsRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const columns = rows.map(webhookSecretsToColumns);
  const { rowCount } = await db.query(
    `UPDATE webhooks w SET secret = u.secret, previous_secret = u.previous_secret, headers = u.headers::json, auth = u.auth::json, tls = u.tls::json
     FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u (id, updated_at, secret, previous_secret, headers, auth, tls)
     WHERE w.id = u.id AND w.updated_at = u.updated_at AND w.deleted_at IS NULL`,
    [rows.map((r) => r.id), rows.map((r) => r.updated_at), ...[0, 1, 2, 3, 4].map((k) => columns.map((c) => c[k]))],
  );
  return rowCount ?? 0;
}

export async function webhooksWithUrlPrefix(db: PgDatabase, prefix: string): Promise<{ id: string; business_id: string }[]> {
  const { rows } = await db.query<{ id: string; business_id: string }>('SELECT id, business_id FROM webhooks WHERE left(url, length($1)) = $1 AND deleted_at IS NULL ORDER BY id', [prefix]);
  return rows;
}

export async function webhookChangesSince(db: PgDatabase, since: number): Promise<WebhookChanges> {
  const { rows } = await db.query<{ id: string; webhooks_version: string }>(WEBHOOK_CHANGES_SINCE, [since]);
  return { version: rows.length > 0 ? Number(rows[rows.length - 1]!.webhooks_version) : since, businesses: rows.map((r) => r.id) };
}

export async function updateWebhook(db: PgDatabase, businessId: string, id: string, patch: WebhookPatch, now: number): Promise<WebhookRow | null> {
  const cols = webhookPatchColumns(patch, now, COLUMN_CODING);
  const { rows } = await db.query(
    `WITH changed AS (
       UPDATE webhooks SET ${cols.map(([c], i) => `${c} = $${i + 3}`).join(', ')}
       WHERE id = $1 AND business_id = $2 AND deleted_at IS NULL
       RETURNING ${WEBHOOK}
     ), ${BUMP_IF_CHANGED}
     SELECT ${WEBHOOK} FROM changed`,
    [id, businessId, ...cols.map(([, v]) => v)],
  );
  return rows[0] ? webhookFromRow(rows[0]) : null;
}

/**
 * Soft delete: the row stays so the delivery log keeps naming it; its queued deliveries are
 * failed lazily when the dispatcher next claims them, not in one long transaction here.
 */
export async function deleteWebhook(db: PgDatabase, businessId: string, id: string): Promise<boolean> {
  const now = Date.now();
  const { rows } = await db.query<{ n: number }>(
    `WITH changed AS (
       UPDATE webhooks SET deleted_at = $3, enabled = false, updated_at = $3
       WHERE id = $1 AND business_id = $2 AND deleted_at IS NULL RETURNING business_id
     ), ${BUMP_IF_CHANGED},
     unsent AS (
       UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, updated_at = $3
       WHERE webhook_id = $1 AND ${UNSENT_UNHELD} AND EXISTS (SELECT FROM changed)
     )
     SELECT count(*)::integer AS n FROM changed`,
    [id, businessId, now],
  );
  return rows[0]!.n > 0;
}

export async function setWebhookHealth(db: PgDatabase, id: string, h: WebhookHealth, _now: number): Promise<void> {
  const enabled = h.enabled === undefined ? null : h.enabled;
  // Matching at publish time skips disabled webhooks, so publishers must reload theirs when
  // `enabled` changes; health alone does not matter to them and must not flush every cache.
  await db.query(
    `WITH changed AS (
       UPDATE webhooks SET health_state = $2, consecutive_failures = $3, health_since = $4, health_reason = $5,
         enabled = coalesce($6::boolean, enabled)
       WHERE id = $1 RETURNING business_id
     ), ${bumpIf('$6::boolean IS NOT NULL AND')}
     SELECT count(*) FROM changed`,
    [id, h.health_state, h.consecutive_failures, h.health_since, h.health_reason, enabled],
  );
}
