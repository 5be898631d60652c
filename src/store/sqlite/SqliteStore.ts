import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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
import { storeUnavailable } from '../storeUnavailable.js';
import { migrateSqlite } from './migrate.js';
import { eventTypeFromRow, type RawRow } from './rows.js';
import { SqliteDeliveries } from './SqliteDeliveries.js';
import { SqliteRetentionSweep } from './SqliteRetentionSweep.js';
import { withSecureDelete } from './webhooks.js';
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
 * loss can lose the last commits (docs/architecture.md). Its parts live beside it, one file
 * each, named as in the PostgreSQL store (webhooks.ts, tokens.ts, processes.ts,
 * flowControl.ts), and ../StoreParts.ts makes them its methods.
 */
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
      throw storeUnavailable(`Cannot open SQLite database ${path}: ${(err as Error).message}`, err);
    }
    // Set first: switching to WAL itself needs the lock when another connection is writing.
    db.pragma(`busy_timeout = ${busyTimeout}`);
    try {
      db.pragma('journal_mode = WAL');
    } catch (err) {
      db.close();
      throw storeUnavailable(`Cannot open SQLite database ${path}: ${(err as Error).message}`, err);
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
    // secure_delete zeroes what the rewrite and this blanking free. What was freed before it was
    // on (values replaced while no key was set, deleted webhooks' rows) only VACUUM removes: it
    // rebuilds the file from live rows. The last checkpoint moves that into the main file and
    // empties the WAL, whose frames held the old pages.
    withSecureDelete(this.db, () => {
      this.db.prepare("UPDATE webhooks SET secret = '', previous_secret = NULL, headers = '{}', auth = NULL, tls = NULL WHERE deleted_at IS NOT NULL AND secret <> ''").run();
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.exec('VACUUM');
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    });
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

  async webhooksVersion(): Promise<number> {
    return Number(await this.getMeta('webhooks_version'));
  }

  async getEvent(businessId: string, id: string): Promise<EventRow | null> {
    return (this.db.prepare('SELECT business_id, id, type, data, occurred_at, created_at FROM events WHERE business_id = ? AND id = ?').get(businessId, id) as EventRow | undefined) ?? null;
  }

  async recentEvents(businessId: string, limit: number): Promise<EventRow[]> {
    return this.stmt('SELECT business_id, id, type, data, occurred_at, created_at FROM events WHERE business_id = ? ORDER BY created_at DESC, id DESC LIMIT ?').all(businessId, limit) as EventRow[];
  }

  async addTransformationVersion(row: TransformationVersionRow): Promise<void> {
    this.stmt(
      'INSERT INTO transformation_versions (webhook_id, version, code, created_at) VALUES (@webhook_id, @version, @code, @created_at) ON CONFLICT DO NOTHING',
    ).run(row);
  }

  async transformationVersions(webhookId: string): Promise<TransformationVersionRow[]> {
    return this.stmt('SELECT webhook_id, version, code, created_at FROM transformation_versions WHERE webhook_id = ? ORDER BY version DESC').all(
      webhookId,
    ) as TransformationVersionRow[];
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
}
