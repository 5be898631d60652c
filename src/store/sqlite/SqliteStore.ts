import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type {
  BusinessRow,
  ProcessRow,
  ReleasedLeases,
  SvixRecord,
  SvixRecordKind,
  DeliveryCounts,
  EventRow,
  EventTypeRow,
  NewTokenRow,
  Page,
  RetentionSweep,
  Store,
  TokenGrant,
  TokenRow,
  WebhookHealth,
  WebhookPatch,
  WebhookRow,
} from '../Store.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { HooklineError } from '../../errors.js';
import { migrateSqlite } from './migrate.js';
import { eventTypeFromRow, webhookFromRow, webhookToColumns, type RawRow } from './rows.js';
import { SqliteDeliveries } from './SqliteDeliveries.js';
import { SqliteRetentionSweep } from './SqliteRetentionSweep.js';
import { SqliteProcesses } from './SqliteProcesses.js';
import { SqliteSvixRecords } from './SqliteSvixRecords.js';
import { guardStoreErrors } from './storeErrors.js';

/**
 * One statement, so one snapshot. Open deliveries are read from deliveries_open (the query
 * repeats its predicate: SQLite uses a partial index only for a query that states it), so the
 * cost follows the backlog, not the log; finished ones from the counts the triggers of
 * migration 0004 keep; the oldest due time is one probe of deliveries_due.
 */
export const DELIVERY_COUNTS_SQL = `
SELECT o.pending, o.retrying, c.succeeded, c.failed,
  (SELECT min(next_attempt_at) FROM deliveries WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= @now) AS oldest_due_at
FROM (SELECT count(*) FILTER (WHERE status = 'pending') AS pending, count(*) FILTER (WHERE status = 'retrying') AS retrying
      FROM deliveries WHERE status IN ('pending', 'retrying')) AS o,
     (SELECT coalesce(sum(succeeded), 0) AS succeeded, coalesce(sum(failed), 0) AS failed FROM delivery_counts) AS c`;

/** How long a write waits for another connection's lock before failing with STORE_UNAVAILABLE. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** `file:./data/hookline.db` → `./data/hookline.db`; `:memory:` stays as it is. */
export function sqlitePath(databaseUrl: string): string {
  if (databaseUrl === ':memory:' || databaseUrl === 'file::memory:') return ':memory:';
  return databaseUrl.replace(/^file:(\/\/)?/, '').replace(/\?.*$/, '');
}

/**
 * `file:…?busy_timeout=200`: better-sqlite3 waits for a lock synchronously, so this is also
 * how long the whole process stalls on each write while another program (a backup, a
 * `sqlite3` shell) holds the write lock.
 */
export function sqliteBusyTimeout(databaseUrl: string): number {
  const raw = /[?&]busy_timeout=([^&]*)/.exec(databaseUrl)?.[1];
  if (raw === undefined) return DEFAULT_BUSY_TIMEOUT_MS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 600_000) {
    throw new HooklineError('CONFIG_INVALID', `The database URL parameter busy_timeout=${raw} must be a whole number of milliseconds from 0 to 600000.`);
  }
  return n;
}

/**
 * The embedded store. better-sqlite3 is synchronous, so every method does its work before it
 * returns; the promises only satisfy the shared interface. WAL with synchronous=NORMAL keeps
 * every committed transaction through a process crash (SIGKILL); only an OS crash or power
 * loss can lose the last commits (docs/architecture.md).
 */
const TOKEN_COLUMNS = 'id, business_id, name, prefix, created_at, last_used_at, expires_at';
const INSERT_TOKEN = `INSERT INTO tokens (token_hash, id, business_id, name, prefix, created_at, expires_at)
  VALUES (@token_hash, @id, @business_id, @name, @prefix, @created_at, @expires_at) ON CONFLICT (token_hash) DO NOTHING`;

export class SqliteStore extends SqliteDeliveries implements Store {
  readonly kind = 'sqlite' as const;
  readonly capabilities = Object.freeze({ multiProcess: false, notify: false });

  private sweeping = false;

  static open(databaseUrl: string): SqliteStore {
    const path = sqlitePath(databaseUrl);
    const busyTimeout = sqliteBusyTimeout(databaseUrl);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(path);
    } catch (err) {
      throw new HooklineError('STORE_UNAVAILABLE', `Cannot open SQLite database ${path}: ${(err as Error).message}`);
    }
    // Set first: switching to WAL itself needs the lock when another connection is writing.
    db.pragma(`busy_timeout = ${busyTimeout}`);
    try {
      db.pragma('journal_mode = WAL');
    } catch (err) {
      db.close();
      throw new HooklineError('STORE_UNAVAILABLE', `Cannot open SQLite database ${path}: ${(err as Error).message}`);
    }
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    const store = new SqliteStore(db);
    return guardStoreErrors(store);
  }

  async migrate(): Promise<void> {
    migrateSqlite(this.db);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async scrubSecretsAtRest(): Promise<void> {
    this.db.prepare("UPDATE webhooks SET secret = '', previous_secret = NULL, headers = '{}' WHERE deleted_at IS NOT NULL AND secret <> ''").run();
    // secure_delete zeroes what the rewrite frees; VACUUM then rebuilds the file from live rows
    // only, which also drops what was freed before (old rows, deleted webhooks); the last
    // checkpoint moves that into the main file and empties the WAL, whose frames held the old pages.
    const secure = this.db.pragma('secure_delete', { simple: true }) as number;
    this.db.pragma('secure_delete = ON');
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.exec('VACUUM');
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.pragma(`secure_delete = ${secure}`);
    }
  }

  async getMeta(key: string): Promise<string | null> {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  async setMetaIfAbsent(key: string, value: string): Promise<string> {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, value);
    return (await this.getMeta(key)) as string;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  async createBusiness(row: BusinessRow): Promise<BusinessRow> {
    const info = this.db
      .prepare('INSERT INTO businesses (id, name, created_at) VALUES (@id, @name, @created_at) ON CONFLICT (id) DO NOTHING')
      .run(row);
    if (info.changes === 0) throw new HooklineError('BUSINESS_EXISTS', `A business with id "${row.id}" already exists; choose another id.`);
    return row;
  }

  async getBusiness(id: string): Promise<BusinessRow | null> {
    return (this.db.prepare('SELECT id, name, created_at FROM businesses WHERE id = ?').get(id) as BusinessRow | undefined) ?? null;
  }

  async listBusinesses(): Promise<BusinessRow[]> {
    return this.db.prepare('SELECT id, name, created_at FROM businesses ORDER BY id').all() as BusinessRow[];
  }

  async createToken(row: NewTokenRow): Promise<void> {
    this.db.prepare(INSERT_TOKEN).run(row);
  }

  async replaceAdminTokens(row: NewTokenRow): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare(INSERT_TOKEN).run({ ...row, business_id: null });
      this.db.prepare('DELETE FROM tokens WHERE business_id IS NULL AND token_hash <> ?').run(row.token_hash);
    }).immediate();
  }

  async findToken(tokenHash: string): Promise<TokenGrant | null> {
    return (this.db.prepare('SELECT id, business_id, last_used_at, expires_at FROM tokens WHERE token_hash = ?').get(tokenHash) as TokenGrant | undefined) ?? null;
  }

  async listTokens(businessId: string): Promise<TokenRow[]> {
    return this.db.prepare(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE business_id = ? ORDER BY created_at, id`).all(businessId) as TokenRow[];
  }

  async deleteToken(businessId: string, id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM tokens WHERE id = ? AND business_id = ?').run(id, businessId).changes > 0;
  }

  async touchToken(id: string, usedAt: number): Promise<void> {
    this.db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)').run(usedAt, id, usedAt);
  }

  async listEventTypes(): Promise<EventTypeRow[]> {
    return (this.db.prepare('SELECT * FROM event_types ORDER BY type').all() as RawRow[]).map(eventTypeFromRow);
  }

  async upsertEventType(row: EventTypeRow): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO event_types (type, description, schema, example, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (type) DO UPDATE SET description = excluded.description, schema = excluded.schema, example = excluded.example`,
      )
      .run(row.type, row.description, JSON.stringify(row.schema), JSON.stringify(row.example ?? null), row.created_at);
  }

  private bumpWebhooksVersion(): void {
    this.db.prepare("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'webhooks_version'").run();
  }

  async webhooksVersion(): Promise<number> {
    return Number(await this.getMeta('webhooks_version'));
  }

  async createWebhook(row: WebhookRow): Promise<WebhookRow> {
    const cols = webhookToColumns(row);
    const names = Object.keys(cols);
    this.db.transaction(() => {
      this.db.prepare(`INSERT INTO webhooks (${names.join(', ')}) VALUES (${names.map((n) => '@' + n).join(', ')})`).run(cols);
      this.bumpWebhooksVersion();
    }).immediate();
    return row;
  }

  async getWebhook(businessId: string, id: string): Promise<WebhookRow | null> {
    const r = this.db.prepare('SELECT * FROM webhooks WHERE id = ? AND business_id = ? AND deleted_at IS NULL').get(id, businessId) as RawRow | undefined;
    return r ? webhookFromRow(r) : null;
  }

  async getWebhookById(id: string): Promise<WebhookRow | null> {
    const r = this.db.prepare('SELECT * FROM webhooks WHERE id = ? AND deleted_at IS NULL').get(id) as RawRow | undefined;
    return r ? webhookFromRow(r) : null;
  }

  async listWebhooks(businessId: string, opts: { cursor?: string; limit: number }): Promise<Page<WebhookRow>> {
    const after = decodeCursor(opts.cursor) ?? '';
    const rows = (this.db
      .prepare('SELECT * FROM webhooks WHERE business_id = ? AND deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?')
      .all(businessId, after, opts.limit + 1) as RawRow[]).map(webhookFromRow);
    const more = rows.length > opts.limit;
    if (more) rows.pop();
    return { data: rows, next_cursor: more ? encodeCursor(rows[rows.length - 1]!.id) : null };
  }

  async webhooksOfBusiness(businessId: string): Promise<WebhookRow[]> {
    return (this.db.prepare('SELECT * FROM webhooks WHERE business_id = ? AND deleted_at IS NULL ORDER BY id').all(businessId) as RawRow[]).map(webhookFromRow);
  }

  async updateWebhook(businessId: string, id: string, patch: WebhookPatch, now: number): Promise<WebhookRow | null> {
    const cols = webhookToColumns({ ...patch, updated_at: now });
    const sets = Object.keys(cols).map((n) => `${n} = @${n}`).join(', ');
    const changed = this.db.transaction(() => {
      const info = this.db
        .prepare(`UPDATE webhooks SET ${sets} WHERE id = @__id AND business_id = @__business AND deleted_at IS NULL`)
        .run({ ...cols, __id: id, __business: businessId });
      if (info.changes > 0) this.bumpWebhooksVersion();
      return info.changes > 0;
    }).immediate();
    return changed ? this.getWebhook(businessId, id) : null;
  }

  /**
   * Soft delete: the row stays so the delivery log keeps naming it; its queued deliveries are
   * failed lazily when the dispatcher next claims them, not in one long transaction here.
   */
  async deleteWebhook(businessId: string, id: string): Promise<boolean> {
    return this.db.transaction(() => {
      const now = Date.now();
      const info = this.db
        .prepare('UPDATE webhooks SET deleted_at = ?, enabled = 0, updated_at = ? WHERE id = ? AND business_id = ? AND deleted_at IS NULL')
        .run(now, now, id, businessId);
      if (info.changes > 0) this.bumpWebhooksVersion();
      return info.changes > 0;
    }).immediate();
  }

  async setWebhookHealth(
    id: string,
    h: WebhookHealth,
    now: number,
  ): Promise<void> {
    const enabled = h.enabled === undefined ? null : h.enabled ? 1 : 0;
    this.db.transaction(() => {
      this.stmt(
        `UPDATE webhooks SET health_state = ?, consecutive_failures = ?, health_since = ?, health_reason = ?,
         enabled = coalesce(?, enabled) WHERE id = ?`,
      ).run(h.health_state, h.consecutive_failures, h.health_since, h.health_reason, enabled, id);
      // Matching at publish time skips disabled webhooks, so publishers must reload theirs.
      if (enabled !== null) this.bumpWebhooksVersion();
    }).immediate();
  }

  async getEvent(businessId: string, id: string): Promise<EventRow | null> {
    return (this.db.prepare('SELECT * FROM events WHERE business_id = ? AND id = ?').get(businessId, id) as EventRow | undefined) ?? null;
  }

  /** One process owns a SQLite file, so a flag is enough to keep two sweeps from overlapping. */
  async beginRetentionSweep(): Promise<RetentionSweep | null> {
    if (this.sweeping) return null;
    this.sweeping = true;
    return guardStoreErrors(new SqliteRetentionSweep(this.db, () => (this.sweeping = false)));
  }

  async deliveryCounts(): Promise<DeliveryCounts> {
    return this.stmt(DELIVERY_COUNTS_SQL).get({ now: Date.now() }) as DeliveryCounts;
  }

  // Process heartbeats and crash recovery (docs/reliability.md#crash-recovery).
  private processRows: SqliteProcesses | null = null;
  private get processes(): SqliteProcesses {
    return (this.processRows ??= new SqliteProcesses(this.db, (sql) => this.stmt(sql)));
  }

  heartbeat(row: ProcessRow): Promise<boolean> {
    return this.processes.heartbeat(row);
  }

  listProcesses(): Promise<ProcessRow[]> {
    return this.processes.listProcesses();
  }

  removeProcess(id: string): Promise<void> {
    return this.processes.removeProcess(id);
  }

  releaseDeadProcesses(opts: { now: number; deadBefore: number; except: string }): Promise<ReleasedLeases> {
    return this.processes.releaseDeadProcesses(opts);
  }

  releaseLeasesNotOwnedBy(owner: string, now: number): Promise<ReleasedLeases> {
    return this.processes.releaseLeasesNotOwnedBy(owner, now);
  }

  // Svix's API (docs/svix.md): records beside businesses, webhooks and events.
  private svixRows: SqliteSvixRecords | null = null;
  private get svix(): SqliteSvixRecords {
    return (this.svixRows ??= new SqliteSvixRecords(this.db, (sql) => this.stmt(sql)));
  }

  putSvixRecord(row: SvixRecord): Promise<boolean> {
    return this.svix.putSvixRecord(row);
  }

  getSvixRecords(kind: SvixRecordKind, scope: string, ids: string[]): Promise<SvixRecord[]> {
    return this.svix.getSvixRecords(kind, scope, ids);
  }

  listSvixRecords(kind: SvixRecordKind, scope: string, opts: { cursor?: string; limit: number }): Promise<Page<SvixRecord>> {
    return this.svix.listSvixRecords(kind, scope, opts);
  }

  findSvixRecordByUid(kind: SvixRecordKind, scope: string, uid: string): Promise<SvixRecord | null> {
    return this.svix.findSvixRecordByUid(kind, scope, uid);
  }

  deleteSvixRecord(kind: SvixRecordKind, scope: string, id: string): Promise<boolean> {
    return this.svix.deleteSvixRecord(kind, scope, id);
  }

  purgeSvixRecords(kind: SvixRecordKind, before: number): Promise<number> {
    return this.svix.purgeSvixRecords(kind, before);
  }
}
