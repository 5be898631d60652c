import type Database from 'better-sqlite3';
import type { Page, WebhookChanges, WebhookHealth, WebhookPatch, WebhookRow, WebhookSecretsRow } from '../Store.js';
import { decodeCursor } from '../cursor.js';
import { WEBHOOK_SECRET_COLUMNS, webhookPatchColumns, webhookSecretsFromColumns, webhookSecretsToColumns, webhookToColumns } from '../columnCoding.js';
import { pageOf, rowsForPage } from '../paging.js';
import { UNSENT_UNHELD } from '../webhookGone.js';
import type { SqliteDatabase } from './SqliteDatabase.js';
import { COLUMN_CODING, webhookFromRow, type RawRow } from './rows.js';

/*
 * Webhooks on SQLite. Every change bumps the `webhooks_version` meta row in its own
 * transaction and records the new version on the webhook's business, so publishers caching
 * their matching see which businesses changed (Store.webhookChangesSince).
 */

function bumpWebhooksVersion(db: SqliteDatabase, businessId: string): void {
  db.stmt("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'webhooks_version'").run();
  db.stmt("UPDATE businesses SET webhooks_version = (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'webhooks_version') WHERE id = ?").run(businessId);
}

export async function createWebhook(db: SqliteDatabase, row: WebhookRow): Promise<WebhookRow> {
  const cols = webhookToColumns(row, COLUMN_CODING);
  const insert = db.connection.prepare(`INSERT INTO webhooks (${cols.map(([c]) => c).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
  db.write(() => {
    insert.run(cols.map(([, v]) => v));
    bumpWebhooksVersion(db, row.business_id);
  });
  return row;
}

export async function getWebhook(db: SqliteDatabase, businessId: string, id: string): Promise<WebhookRow | null> {
  const r = db.stmt('SELECT * FROM webhooks WHERE id = ? AND business_id = ? AND deleted_at IS NULL').get(id, businessId) as RawRow | undefined;
  return r ? webhookFromRow(r) : null;
}

export async function getWebhookById(db: SqliteDatabase, id: string): Promise<WebhookRow | null> {
  const r = db.stmt('SELECT * FROM webhooks WHERE id = ? AND deleted_at IS NULL').get(id) as RawRow | undefined;
  return r ? webhookFromRow(r) : null;
}

export async function listWebhooks(db: SqliteDatabase, businessId: string, opts: { cursor?: string; limit: number }): Promise<Page<WebhookRow>> {
  const after = decodeCursor(opts.cursor) ?? '';
  const rows = db
    .stmt('SELECT * FROM webhooks WHERE business_id = ? AND deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?')
    .all(businessId, after, rowsForPage(opts.limit)) as RawRow[];
  return pageOf(rows.map(webhookFromRow), opts.limit);
}

export async function webhooksOfBusiness(db: SqliteDatabase, businessId: string): Promise<WebhookRow[]> {
  return webhooksOfBusinessNow(db, businessId);
}

/** The same, synchronously, for a publish inside a caller's better-sqlite3 transaction. */
export function webhooksOfBusinessNow(db: SqliteDatabase, businessId: string): WebhookRow[] {
  return (db.stmt('SELECT * FROM webhooks WHERE business_id = ? AND deleted_at IS NULL ORDER BY id').all(businessId) as RawRow[]).map(webhookFromRow);
}

export async function webhooksAfter(db: SqliteDatabase, afterId: string, limit: number): Promise<WebhookRow[]> {
  return (db.stmt('SELECT * FROM webhooks WHERE id > ? AND deleted_at IS NULL ORDER BY id LIMIT ?').all(afterId, limit) as RawRow[]).map(webhookFromRow);
}

export async function webhookSecretsAfter(db: SqliteDatabase, afterId: string, limit: number): Promise<WebhookSecretsRow[]> {
  const rows = db.stmt(`SELECT ${WEBHOOK_SECRET_COLUMNS} FROM webhooks WHERE id > ? AND deleted_at IS NULL ORDER BY id LIMIT ?`).all(afterId, limit) as RawRow[];
  return rows.map((r) => webhookSecretsFromColumns(r, COLUMN_CODING));
}

export async function rewriteWebhookSecrets(db: SqliteDatabase, rows: WebhookSecretsRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const update = db.stmt('UPDATE webhooks SET secret = ?, previous_secret = ?, headers = ?, auth = ?, tls = ? WHERE id = ? AND updated_at = ? AND deleted_at IS NULL');
  // The values replaced are zeroed where they lay, so a rewrite stopped before the scrub's VACUUM
  // (a kill, a stop) has still left nothing it replaced readable in the file.
  return withSecureDelete(db.connection, () =>
    db.write(() => {
      let written = 0;
      for (const r of rows) written += update.run(...webhookSecretsToColumns(r), r.id, r.updated_at).changes;
      return written;
    }),
  );
}

/** Runs `fn` with SQLite overwriting freed content with zeros, then puts the setting back. */
export function withSecureDelete<T>(connection: Database.Database, fn: () => T): T {
  const was = connection.pragma('secure_delete', { simple: true }) as number;
  connection.pragma('secure_delete = ON');
  try {
    return fn();
  } finally {
    connection.pragma(`secure_delete = ${was}`);
  }
}

export async function webhooksWithUrlPrefix(db: SqliteDatabase, prefix: string): Promise<{ id: string; business_id: string }[]> {
  return db.stmt('SELECT id, business_id FROM webhooks WHERE substr(url, 1, length(?)) = ? AND deleted_at IS NULL ORDER BY id').all(prefix, prefix) as { id: string; business_id: string }[];
}

export async function webhookChangesSince(db: SqliteDatabase, since: number): Promise<WebhookChanges> {
  const rows = db.stmt('SELECT id, webhooks_version FROM businesses WHERE webhooks_version > ? ORDER BY webhooks_version').all(since) as { id: string; webhooks_version: number }[];
  return { version: rows.length > 0 ? rows[rows.length - 1]!.webhooks_version : since, businesses: rows.map((r) => r.id) };
}

export async function updateWebhook(db: SqliteDatabase, businessId: string, id: string, patch: WebhookPatch, now: number): Promise<WebhookRow | null> {
  const cols = webhookPatchColumns(patch, now, COLUMN_CODING);
  const update = db.connection.prepare(
    `UPDATE webhooks SET ${cols.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ? AND business_id = ? AND deleted_at IS NULL`,
  );
  const changed = db.write(() => {
    const info = update.run(...cols.map(([, v]) => v), id, businessId);
    if (info.changes > 0) bumpWebhooksVersion(db, businessId);
    return info.changes > 0;
  });
  return changed ? getWebhook(db, businessId, id) : null;
}

/**
 * Soft delete: the row stays so the delivery log keeps naming it. What it still owed and no
 * process holds fails here, parked deliveries included (nothing would claim them again); one
 * statement over the webhook's index, so even a large backlog holds the write lock briefly.
 */
export async function deleteWebhook(db: SqliteDatabase, businessId: string, id: string): Promise<boolean> {
  const now = Date.now();
  return db.write(() => {
    const info = db
      .stmt('UPDATE webhooks SET deleted_at = ?, enabled = 0, updated_at = ? WHERE id = ? AND business_id = ? AND deleted_at IS NULL')
      .run(now, now, id, businessId);
    if (info.changes === 0) return false;
    bumpWebhooksVersion(db, businessId);
    db.stmt(`UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, updated_at = ? WHERE webhook_id = ? AND ${UNSENT_UNHELD}`).run(now, id);
    return true;
  });
}

export async function setWebhookHealth(db: SqliteDatabase, id: string, h: WebhookHealth, _now: number): Promise<void> {
  const enabled = h.enabled === undefined ? null : COLUMN_CODING.boolParam(h.enabled);
  db.write(() => {
    db.stmt(
      `UPDATE webhooks SET health_state = ?, consecutive_failures = ?, health_since = ?, health_reason = ?,
       enabled = coalesce(?, enabled) WHERE id = ?`,
    ).run(h.health_state, h.consecutive_failures, h.health_since, h.health_reason, enabled, id);
    // Matching at publish time skips disabled webhooks, so publishers must reload theirs.
    if (enabled !== null) {
      const owner = db.stmt('SELECT business_id FROM webhooks WHERE id = ?').get(id) as { business_id: string } | undefined;
      if (owner) bumpWebhooksVersion(db, owner.business_id);
    }
  });
}
