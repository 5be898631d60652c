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
import { PgDatabase } from './PgDatabase.js';
import { PostgresDeliveries } from './PostgresDeliveries.js';
import { DueListener } from './DueListener.js';
import { PostgresRetentionSweep } from './PostgresRetentionSweep.js';
import { migratePostgres } from './migrate.js';
import { poolConfigFromUrl, preparedStatementsFromUrl } from './poolConfig.js';
import { prepared } from './PreparedStatement.js';
import * as processes from './processes.js';
import * as svixRecords from './svixRecords.js';
import {
  businessFromRow,
  columnList,
  eventFromRow,
  eventTypeFromRow,
  WEBHOOK_COLUMNS,
  webhookFromRow,
  webhookToColumns,
  type RawRow,
} from './rows.js';

export interface PostgresStoreOptions {
  /**
   * Errors nobody awaits: an idle pool connection dying, the LISTEN connection dropping and
   * being re-opened. Default: a process warning (printed to stderr, never a crash).
   */
  onBackgroundError?: (err: Error) => void;
}

const WEBHOOK = columnList(WEBHOOK_COLUMNS);

/** Bumps the webhooks version in the same statement (so the same transaction) as a webhook change in CTE `changed`. */
const BUMP_IF_CHANGED = `bump AS (
  UPDATE meta SET value = (value::bigint + 1)::text
  WHERE key = 'webhooks_version' AND EXISTS (SELECT FROM changed)
)`;

/**
 * One statement, so one snapshot. Open deliveries are read from deliveries_open, whose
 * predicate the WHERE repeats, so the cost follows the backlog, not the log; finished ones are
 * the sum of the shards the triggers of migration 0004 keep; the oldest due time is one probe
 * of deliveries_due. sum() of bigint is numeric, which pg would hand back as a string.
 */
export const DELIVERY_COUNTS_SQL = `
SELECT o.pending, o.retrying, c.succeeded, c.failed,
  (SELECT min(next_attempt_at) FROM deliveries WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= $1) AS oldest_due_at
FROM (SELECT count(*) FILTER (WHERE status = 'pending')::integer AS pending, count(*) FILTER (WHERE status = 'retrying')::integer AS retrying
      FROM deliveries WHERE status IN ('pending', 'retrying')) AS o,
     (SELECT coalesce(sum(succeeded), 0)::bigint AS succeeded, coalesce(sum(failed), 0)::bigint AS failed FROM delivery_counts) AS c`;

// Read on every publish (the webhooks version) and on every queue the dispatcher opens.
const GET_META = prepared('SELECT value FROM meta WHERE key = $1');
const GET_WEBHOOK_BY_ID = prepared(`SELECT ${WEBHOOK} FROM webhooks WHERE id = $1 AND deleted_at IS NULL`);

/**
 * The store for more than one process: any number of `hookline serve` / `hookline worker`
 * processes on any number of hosts share one database (docs/scaling.md). Semantics and return
 * shapes are those of the SQLite store; the shared contract suite holds both to them.
 */
const TOKEN_COLUMNS = 'id, business_id, name, prefix, created_at, last_used_at, expires_at';
const INSERT_TOKEN = `INSERT INTO tokens (token_hash, id, business_id, name, prefix, created_at, expires_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (token_hash) DO NOTHING`;
const tokenValues = (r: NewTokenRow): unknown[] => [r.token_hash, r.id, r.business_id, r.name, r.prefix, r.created_at, r.expires_at];

export class PostgresStore extends PostgresDeliveries implements Store {
  readonly kind = 'postgres' as const;
  readonly capabilities = Object.freeze({ multiProcess: true, notify: true });
  private readonly listeners = new Set<DueListener>();
  private closing: Promise<void> | null = null;

  private constructor(
    db: PgDatabase,
    private readonly onBackgroundError: (err: Error) => void,
  ) {
    super(db);
  }

  /** Creates the pool; no connection is made until the first call (usually `migrate()`). */
  static async open(databaseUrl: string, opts: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const onError = opts.onBackgroundError ?? ((err: Error) => process.emitWarning(err.message, { type: 'HooklinePostgresWarning' }));
    return new PostgresStore(new PgDatabase(poolConfigFromUrl(databaseUrl), onError, preparedStatementsFromUrl(databaseUrl)), onError);
  }

  migrate(): Promise<void> {
    return migratePostgres(this.db);
  }

  /**
   * Calls `onDue` when another process (or this one) makes deliveries due that nobody holds:
   * a publish it could not keep in memory, a released lease, a retry, a replay, an unpark.
   * Not part of the Store interface; use it when `capabilities.notify` is true. Resolves with
   * a function that stops listening; rejects with STORE_UNAVAILABLE when it cannot connect.
   * A connection that drops later is re-opened in the background.
   */
  async listen(onDue: () => void): Promise<() => Promise<void>> {
    if (this.closing) throw new HooklineError('STORE_UNAVAILABLE', 'The store is closed; open it again to listen.');
    const listener = new DueListener(this.db.config, onDue, this.onBackgroundError);
    await listener.start();
    this.listeners.add(listener);
    return async () => {
      this.listeners.delete(listener);
      await listener.stop();
    };
  }

  /** Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.listeners].map((l) => l.stop()));
      this.listeners.clear();
      await this.db.close();
    })();
    return this.closing;
  }

  async getMeta(key: string): Promise<string | null> {
    const { rows } = await this.db.query<{ value: string }>(GET_META, [key]);
    return rows[0]?.value ?? null;
  }

  async setMetaIfAbsent(key: string, value: string): Promise<string> {
    const { rows } = await this.db.query<{ value: string }>(
      `WITH inserted AS (INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING value)
       SELECT value FROM inserted UNION ALL SELECT value FROM meta WHERE key = $1`,
      [key, value],
    );
    // Empty only when a concurrent writer committed after this statement's snapshot.
    return rows[0]?.value ?? ((await this.getMeta(key)) as string);
  }

  async scrubSecretsAtRest(): Promise<void> {
    await this.db.query("UPDATE webhooks SET secret = '', previous_secret = NULL, headers = '{}' WHERE deleted_at IS NOT NULL AND secret <> ''");
    // A plain VACUUM only marks dead row versions reusable; FULL writes the table anew and drops
    // the old file. It locks the webhooks table for as long as it takes (a small table: moments).
    await this.db.query('VACUUM FULL webhooks');
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.db.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  async createBusiness(row: BusinessRow): Promise<BusinessRow> {
    const { rowCount } = await this.db.query(
      'INSERT INTO businesses (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING',
      [row.id, row.name, row.created_at],
    );
    if (rowCount === 0) throw new HooklineError('BUSINESS_EXISTS', `A business with id "${row.id}" already exists; choose another id.`);
    return row;
  }

  async getBusiness(id: string): Promise<BusinessRow | null> {
    const { rows } = await this.db.query('SELECT id, name, created_at FROM businesses WHERE id = $1', [id]);
    return rows[0] ? businessFromRow(rows[0]) : null;
  }

  async listBusinesses(): Promise<BusinessRow[]> {
    return (await this.db.query('SELECT id, name, created_at FROM businesses ORDER BY id')).rows.map(businessFromRow);
  }

  async createToken(row: NewTokenRow): Promise<void> {
    await this.db.query(INSERT_TOKEN, tokenValues(row));
  }

  async replaceAdminTokens(row: NewTokenRow): Promise<void> {
    // One statement, so one transaction: no moment with two admin tokens or none.
    await this.db.query(
      `WITH registered AS (${INSERT_TOKEN})
       DELETE FROM tokens WHERE business_id IS NULL AND token_hash <> $1`,
      tokenValues({ ...row, business_id: null }),
    );
  }

  async findToken(tokenHash: string): Promise<TokenGrant | null> {
    const { rows } = await this.db.query<TokenGrant>('SELECT id, business_id, last_used_at, expires_at FROM tokens WHERE token_hash = $1', [tokenHash]);
    return rows[0] ?? null;
  }

  async listTokens(businessId: string): Promise<TokenRow[]> {
    return (await this.db.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE business_id = $1 ORDER BY created_at, id`, [businessId])).rows;
  }

  async deleteToken(businessId: string, id: string): Promise<boolean> {
    return ((await this.db.query('DELETE FROM tokens WHERE id = $1 AND business_id = $2', [id, businessId])).rowCount ?? 0) > 0;
  }

  async touchToken(id: string, usedAt: number): Promise<void> {
    await this.db.query('UPDATE tokens SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)', [id, usedAt]);
  }

  async listEventTypes(): Promise<EventTypeRow[]> {
    return (await this.db.query('SELECT type, description, schema, example, created_at FROM event_types ORDER BY type')).rows.map(eventTypeFromRow);
  }

  async upsertEventType(row: EventTypeRow): Promise<void> {
    await this.db.query(
      `INSERT INTO event_types (type, description, schema, example, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (type) DO UPDATE SET description = excluded.description, schema = excluded.schema, example = excluded.example`,
      [row.type, row.description, JSON.stringify(row.schema), JSON.stringify(row.example ?? null), row.created_at],
    );
  }

  async webhooksVersion(): Promise<number> {
    return Number(await this.getMeta('webhooks_version'));
  }

  async createWebhook(row: WebhookRow): Promise<WebhookRow> {
    const cols = webhookToColumns(row);
    await this.db.query(
      `WITH changed AS (
         INSERT INTO webhooks (${cols.map(([c]) => c).join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING 1
       ), ${BUMP_IF_CHANGED}
       SELECT count(*) FROM changed`,
      cols.map(([, v]) => v),
    );
    return row;
  }

  async getWebhook(businessId: string, id: string): Promise<WebhookRow | null> {
    const { rows } = await this.db.query(`SELECT ${WEBHOOK} FROM webhooks WHERE id = $1 AND business_id = $2 AND deleted_at IS NULL`, [id, businessId]);
    return rows[0] ? webhookFromRow(rows[0]) : null;
  }

  async getWebhookById(id: string): Promise<WebhookRow | null> {
    const { rows } = await this.db.query(GET_WEBHOOK_BY_ID, [id]);
    return rows[0] ? webhookFromRow(rows[0]) : null;
  }

  async listWebhooks(businessId: string, opts: { cursor?: string; limit: number }): Promise<Page<WebhookRow>> {
    const after = decodeCursor(opts.cursor) ?? '';
    const { rows } = await this.db.query(
      `SELECT ${WEBHOOK} FROM webhooks WHERE business_id = $1 AND deleted_at IS NULL AND id > $2 ORDER BY id LIMIT $3`,
      [businessId, after, opts.limit + 1],
    );
    const data = (rows as RawRow[]).map(webhookFromRow);
    const more = data.length > opts.limit;
    if (more) data.pop();
    return { data, next_cursor: more ? encodeCursor(data[data.length - 1]!.id) : null };
  }

  async webhooksOfBusiness(businessId: string): Promise<WebhookRow[]> {
    const { rows } = await this.db.query(`SELECT ${WEBHOOK} FROM webhooks WHERE business_id = $1 AND deleted_at IS NULL ORDER BY id`, [businessId]);
    return (rows as RawRow[]).map(webhookFromRow);
  }

  async updateWebhook(businessId: string, id: string, patch: WebhookPatch, now: number): Promise<WebhookRow | null> {
    // id, business_id and created_at are not patchable, whatever the caller's object holds.
    const { id: _i, business_id: _b, created_at: _c, ...fields } = patch as Partial<WebhookRow>;
    const cols = webhookToColumns({ ...fields, updated_at: now });
    const { rows } = await this.db.query(
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
  async deleteWebhook(businessId: string, id: string): Promise<boolean> {
    const now = Date.now();
    const { rows } = await this.db.query<{ n: number }>(
      `WITH changed AS (
         UPDATE webhooks SET deleted_at = $3, enabled = false, updated_at = $3
         WHERE id = $1 AND business_id = $2 AND deleted_at IS NULL RETURNING 1
       ), ${BUMP_IF_CHANGED}
       SELECT count(*)::integer AS n FROM changed`,
      [id, businessId, now],
    );
    return rows[0]!.n > 0;
  }

  async setWebhookHealth(id: string, h: WebhookHealth, _now: number): Promise<void> {
    const enabled = h.enabled === undefined ? null : h.enabled;
    // Matching at publish time skips disabled webhooks, so publishers must reload theirs when
    // `enabled` changes; health alone does not matter to them and must not flush every cache.
    await this.db.query(
      `WITH changed AS (
         UPDATE webhooks SET health_state = $2, consecutive_failures = $3, health_since = $4, health_reason = $5,
           enabled = coalesce($6::boolean, enabled)
         WHERE id = $1 RETURNING 1
       ), bump AS (
         UPDATE meta SET value = (value::bigint + 1)::text
         WHERE key = 'webhooks_version' AND $6::boolean IS NOT NULL AND EXISTS (SELECT FROM changed)
       )
       SELECT count(*) FROM changed`,
      [id, h.health_state, h.consecutive_failures, h.health_since, h.health_reason, enabled],
    );
  }

  async getEvent(businessId: string, id: string): Promise<EventRow | null> {
    const { rows } = await this.db.query(
      'SELECT business_id, id, type, data, occurred_at, created_at FROM events WHERE business_id = $1 AND id = $2',
      [businessId, id],
    );
    return rows[0] ? eventFromRow(rows[0]) : null;
  }

  beginRetentionSweep(): Promise<RetentionSweep | null> {
    return PostgresRetentionSweep.begin(this.db);
  }

  async deliveryCounts(): Promise<DeliveryCounts> {
    const { rows } = await this.db.query<DeliveryCounts>(DELIVERY_COUNTS_SQL, [Date.now()]);
    return rows[0]!;
  }

  // Process heartbeats and crash recovery (docs/reliability.md#crash-recovery).
  heartbeat(row: ProcessRow): Promise<boolean> {
    return processes.heartbeat(this.db, row);
  }

  listProcesses(): Promise<ProcessRow[]> {
    return processes.listProcesses(this.db);
  }

  removeProcess(id: string): Promise<void> {
    return processes.removeProcess(this.db, id);
  }

  releaseDeadProcesses(opts: { now: number; deadBefore: number; except: string }): Promise<ReleasedLeases> {
    return processes.releaseDeadProcesses(this.db, opts);
  }

  releaseLeasesNotOwnedBy(owner: string, now: number): Promise<ReleasedLeases> {
    return processes.releaseLeasesNotOwnedBy(this.db, owner, now);
  }

  // Svix's API (docs/svix.md): records beside businesses, webhooks and events.
  putSvixRecord(row: SvixRecord): Promise<boolean> {
    return svixRecords.putSvixRecord(this.db, row);
  }

  getSvixRecords(kind: SvixRecordKind, scope: string, ids: string[]): Promise<SvixRecord[]> {
    return svixRecords.getSvixRecords(this.db, kind, scope, ids);
  }

  listSvixRecords(kind: SvixRecordKind, scope: string, opts: { cursor?: string; limit: number }): Promise<Page<SvixRecord>> {
    return svixRecords.listSvixRecords(this.db, kind, scope, opts);
  }

  findSvixRecordByUid(kind: SvixRecordKind, scope: string, uid: string): Promise<SvixRecord | null> {
    return svixRecords.findSvixRecordByUid(this.db, kind, scope, uid);
  }

  deleteSvixRecord(kind: SvixRecordKind, scope: string, id: string): Promise<boolean> {
    return svixRecords.deleteSvixRecord(this.db, kind, scope, id);
  }

  purgeSvixRecords(kind: SvixRecordKind, before: number): Promise<number> {
    return svixRecords.purgeSvixRecords(this.db, kind, before);
  }
}
