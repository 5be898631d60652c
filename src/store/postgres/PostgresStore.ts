import type {
  BusinessRow,
  DeliveryCounts,
  EventRow,
  TransformationVersionRow,
  EventTypeRow,
  RetentionSweep,
  Store,
} from '../Store.js';
import { HooklineError } from '../../errors.js';
import { PgDatabase } from './PgDatabase.js';
import { PostgresDeliveries } from './PostgresDeliveries.js';
import { DueListener } from './DueListener.js';
import { PostgresRetentionSweep } from './PostgresRetentionSweep.js';
import { migratePostgres } from './migrate.js';
import { poolConfigFromUrl, preparedStatementsFromUrl } from './poolConfig.js';
import { prepared } from './PreparedStatement.js';
import { businessFromRow, eventFromRow, eventTypeFromRow } from './rows.js';

export interface PostgresStoreOptions {
  /**
   * Errors nobody awaits: an idle pool connection dying, the LISTEN connection dropping and
   * being re-opened. Default: a process warning (printed to stderr, never a crash).
   */
  onBackgroundError?: (err: Error) => void;
}

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

// Read on every publish (the webhooks version).
const GET_META = prepared('SELECT value FROM meta WHERE key = $1');

/**
 * The store for more than one process: any number of `hookline serve` / `hookline worker`
 * processes on any number of hosts share one database (docs/scaling.md). Semantics and return
 * shapes are those of the SQLite store; the shared contract suite holds both to them. Its
 * parts live beside it, one file each, named as in the SQLite store (webhooks.ts, tokens.ts,
 * processes.ts, flowControl.ts), and ../StoreParts.ts makes them its methods.
 */
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

  /** Store.listen: one dedicated connection per listener (DueListener), NOTIFYd after each commit that makes deliveries due. */
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
    await this.db.query("UPDATE webhooks SET secret = '', previous_secret = NULL, headers = '{}', auth = NULL, tls = NULL WHERE deleted_at IS NOT NULL AND secret <> ''");
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

  async getEvent(businessId: string, id: string): Promise<EventRow | null> {
    const { rows } = await this.db.query(
      'SELECT business_id, id, type, data, occurred_at, created_at FROM events WHERE business_id = $1 AND id = $2',
      [businessId, id],
    );
    return rows[0] ? eventFromRow(rows[0]) : null;
  }

  async recentEvents(businessId: string, limit: number): Promise<EventRow[]> {
    const { rows } = await this.db.query(
      'SELECT business_id, id, type, data, occurred_at, created_at FROM events WHERE business_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2',
      [businessId, limit],
    );
    return rows.map(eventFromRow);
  }

  async addTransformationVersion(row: TransformationVersionRow): Promise<void> {
    await this.db.query(
      'INSERT INTO transformation_versions (webhook_id, version, code, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [row.webhook_id, row.version, row.code, row.created_at],
    );
  }

  async transformationVersions(webhookId: string): Promise<TransformationVersionRow[]> {
    const { rows } = await this.db.query(
      'SELECT webhook_id, version, code, created_at FROM transformation_versions WHERE webhook_id = $1 ORDER BY version DESC',
      [webhookId],
    );
    return rows.map((r) => ({ ...(r as TransformationVersionRow), created_at: Number(r.created_at) }));
  }

  beginRetentionSweep(): Promise<RetentionSweep | null> {
    return PostgresRetentionSweep.begin(this.db);
  }

  async deliveryCounts(): Promise<DeliveryCounts> {
    const { rows } = await this.db.query<DeliveryCounts>(DELIVERY_COUNTS_SQL, [Date.now()]);
    return rows[0]!;
  }
}
