import type Database from 'better-sqlite3';
import { MAX_BODY_DEPTH, nestsDeeperThan } from '../api/jsonBody.js';
import { EventCatalog } from '../catalog/EventCatalog.js';
import { isValidEventTypeName } from '../catalog/eventTypeName.js';
import { HooklineError } from '../errors.js';
import { newDeliveryId } from '../ids.js';
import { filterSubject } from '../publish/Publisher.js';
import { compileWebhooks, selectWebhooks } from '../publish/WebhookMatcher.js';
import { refuseReservedTypes, throwProblems, validateEvent, type EventInput, type Problem } from '../publish/validateEvent.js';
import type { EventTypeRow, PublishItem, PublishResult, WebhookRow } from '../store/Store.js';
import { publishEvents as publishPostgres } from '../store/postgres/publishEvents.js';
import { webhooksOfBusiness as webhooksOfBusinessPostgres } from '../store/postgres/webhooks.js';
import { eventTypeFromRow as eventTypeFromPostgres, type RawRow as PgRow } from '../store/postgres/rows.js';
import { publishEvents as publishSqlite } from '../store/sqlite/publishEvents.js';
import { webhooksOfBusinessNow as webhooksOfBusinessSqlite } from '../store/sqlite/webhooks.js';
import { eventTypeFromRow as eventTypeFromSqlite, type RawRow as SqliteRow } from '../store/sqlite/rows.js';
import { SqliteDatabase } from '../store/sqlite/SqliteDatabase.js';
import { callerConnection, type PostgresClient } from './callerConnection.js';

export type { PostgresClient } from './callerConnection.js';

/**
 * A better-sqlite3 `Database`, as far as publish needs it to tell it from a pg client. Written
 * out so that the declaration does not need @types/better-sqlite3 in the caller's project.
 */
export interface SqliteConnection {
  prepare(sql: string): unknown;
  pragma(source: string, options?: unknown): unknown;
  transaction(fn: (...args: never[]) => unknown): unknown;
  readonly inTransaction: boolean;
}

/** What `publish` takes: the same fields as `POST /v1/businesses/{b}/events`. */
export type PublishEventInput = EventInput;

/** What `publish` answers: the API's 202 receipt, without the data the caller just sent. */
export interface PublishedEvent {
  id: string;
  business: string;
  type: string;
  occurred_at: string;
  created_at: string;
  /** Deliveries created: one per matching webhook, 0 for a repeated id. */
  deliveries: number;
  /** True when an event with this id existed; nothing new was written. */
  duplicate: boolean;
}

export interface PostgresPublishOptions {
  /**
   * The schema Hookline's tables live in, when the client's search_path does not reach them
   * (`postgres://…?options=-c search_path=hookline` on Hookline's side). It is set for the
   * publish and put back after it.
   */
  schema?: string;
}

/**
 * Publishes one event inside the caller's own transaction (docs/library.md#transactional-publish):
 * the event and its deliveries are written on the caller's connection, so they exist only if
 * the caller's transaction commits. The checks are the API's: the type in the catalogue (built-in
 * or registered), `data` valid against its schema, the id's form, the webhooks whose type and
 * payload filters want it. Running Hookline processes send the deliveries after the commit.
 *
 * With a better-sqlite3 `Database` on Hookline's file it runs synchronously, as better-sqlite3
 * transactions must (`db.transaction(() => { …; publish(db, b, e); })()`), and throws to roll
 * back; with a `pg` client (`Client` or a pool's client, inside `BEGIN` … `COMMIT`) it returns a
 * promise.
 */
export function publish(db: SqliteConnection, businessId: string, input: PublishEventInput): PublishedEvent;
export function publish(client: PostgresClient, businessId: string, input: PublishEventInput, options?: PostgresPublishOptions): Promise<PublishedEvent>;
export function publish(
  conn: SqliteConnection | PostgresClient,
  businessId: string,
  input: PublishEventInput,
  options: PostgresPublishOptions = {},
): PublishedEvent | Promise<PublishedEvent> {
  if (isSqlite(conn)) return publishOnSqlite(conn as unknown as Database.Database, businessId, input);
  if (!conn || typeof (conn as PostgresClient).query !== 'function') {
    throw new HooklineError('BAD_REQUEST', 'publish(connection, …): pass a pg client (pg.Client or a pool client) or a better-sqlite3 Database opened on Hookline\u2019s database.');
  }
  return publishOnPostgres(conn as PostgresClient, businessId, input, options);
}

function isSqlite(conn: unknown): conn is SqliteConnection {
  const c = conn as { prepare?: unknown; pragma?: unknown } | null;
  return typeof c === 'object' && c !== null && typeof c.prepare === 'function' && typeof c.pragma === 'function';
}

const BUSINESS_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The caller's arguments, checked before any statement runs. */
function checkArguments(businessId: unknown, input: unknown): asserts input is PublishEventInput {
  if (typeof businessId !== 'string' || !BUSINESS_ID.test(businessId)) {
    throw new HooklineError('BAD_REQUEST', `publish: the business id ${JSON.stringify(businessId) ?? String(businessId)} is not 1\u201364 letters, digits, "-" or "_".`);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new HooklineError('BAD_REQUEST', 'publish: the event is an object {type, data, id?, occurred_at?}.');
  }
  const unknownKeys = Object.keys(input).filter((k) => !['type', 'data', 'id', 'occurred_at', 'channels'].includes(k));
  if (unknownKeys.length > 0) {
    throw new HooklineError('BAD_REQUEST', `publish: unknown event field${unknownKeys.length > 1 ? 's' : ''} ${unknownKeys.join(', ')}; an event has type, data, id, occurred_at and channels.`);
  }
  // The API's parser refuses such a body before anything else; the same bound here, counted the same way.
  if (nestsDeeperThan(input, MAX_BODY_DEPTH)) {
    throw new HooklineError('BODY_TOO_DEEP', `publish: the event nests objects and arrays more than ${MAX_BODY_DEPTH} levels deep (data included); flatten the data to at most ${MAX_BODY_DEPTH} levels.`);
  }
  if (typeof (input as { type?: unknown }).type !== 'string') {
    throw new HooklineError('UNKNOWN_EVENT_TYPE', '/type: the event type is a string such as "client/created".');
  }
}

// The built-in types' validators are compiled once per process and kept; a registered type is
// read from the database on every publish (it may have changed) and compiled once per version.
let builtins: EventCatalog | null = null;
const registered = new Map<string, { key: string; catalog: EventCatalog }>();

function isBuiltinType(type: string): boolean {
  builtins ??= new EventCatalog();
  return builtins.has(type);
}

function catalogFor(type: string, row: EventTypeRow | null): EventCatalog {
  builtins ??= new EventCatalog();
  if (builtins.has(type) || !row) return builtins;
  const key = `${row.created_at}\u0000${JSON.stringify(row.schema)}`;
  const cached = registered.get(type);
  if (cached?.key === key) return cached.catalog;
  const catalog = new EventCatalog();
  catalog.register(row);
  registered.set(type, { key, catalog });
  return catalog;
}

/** The API's checks and matching, on rows the caller's connection read. Unleased and due now: any Hookline process may send them. */
function itemOf(catalog: EventCatalog, businessId: string, input: PublishEventInput, webhooks: readonly WebhookRow[]): PublishItem {
  refuseReservedTypes([input]);
  const now = Date.now();
  const problems: Problem[] = [];
  const event = validateEvent(catalog, businessId, input, now, '', problems);
  throwProblems(problems);
  const targets = selectWebhooks(compileWebhooks(webhooks), event.type, () => filterSubject(event, input.data), input.channels);
  return { event, deliveries: targets.map((w) => ({ id: newDeliveryId(), webhook_id: w.id, lease_owner: null, next_attempt_at: now })) };
}

function receipt(r: PublishResult): PublishedEvent {
  return {
    id: r.event.id,
    business: r.event.business_id,
    type: r.event.type,
    occurred_at: new Date(r.event.occurred_at).toISOString(),
    created_at: new Date(r.event.created_at).toISOString(),
    deliveries: r.deliveries.length,
    duplicate: !r.created,
  };
}

function businessNotFound(businessId: string): HooklineError {
  return new HooklineError('BUSINESS_NOT_FOUND', `No business "${businessId}" in this Hookline database; create it first (POST /v1/businesses or \`hookline businesses create\`).`);
}

async function publishOnPostgres(client: PostgresClient, businessId: string, input: PublishEventInput, options: PostgresPublishOptions): Promise<PublishedEvent> {
  checkArguments(businessId, input);
  if (options.schema !== undefined && (typeof options.schema !== 'string' || options.schema === '' || options.schema.includes('\u0000'))) {
    throw new HooklineError('BAD_REQUEST', `publish: options.schema ${JSON.stringify(options.schema)} is not a schema name; give the schema Hookline's tables are in, e.g. "hookline".`);
  }
  const db = callerConnection(client);
  const restore = options.schema === undefined ? null : await db.useSchema(options.schema);
  try {
    const found = await db.query<PgRow>(
      `SELECT EXISTS (SELECT FROM businesses WHERE id = $1) AS business,
         (SELECT row_to_json(t) FROM (SELECT type, description, schema, example, created_at FROM event_types WHERE type = $2) t) AS event_type`,
      // Only a well-formed name is looked up: anything else is unknown anyway, and a NUL in it would
      // make PostgreSQL fail the statement, and with it the caller's transaction.
      [businessId, isValidEventTypeName(input.type) && !isBuiltinType(input.type) ? input.type : null],
    );
    const row = found.rows[0]!;
    if (row.business !== true) throw businessNotFound(businessId);
    const typeRow = row.event_type ? eventTypeFromPostgres(row.event_type as PgRow) : null;
    const webhooks = await webhooksOfBusinessPostgres(db, businessId);
    const item = itemOf(catalogFor(input.type, typeRow), businessId, input, webhooks);
    const [result] = await publishPostgres(db, [item]);
    return receipt(result!);
  } finally {
    await restore?.();
  }
}

// Statements are prepared once per connection and kept as long as it is open.
const sqliteHandles = new WeakMap<Database.Database, SqliteDatabase>();

function publishOnSqlite(conn: Database.Database, businessId: string, input: PublishEventInput): PublishedEvent {
  checkArguments(businessId, input);
  let db = sqliteHandles.get(conn);
  if (!db) {
    db = new SqliteDatabase(conn);
    sqliteHandles.set(conn, db);
  }
  if (!db.stmt('SELECT 1 FROM businesses WHERE id = ?').get(businessId)) throw businessNotFound(businessId);
  const typeRow = db.stmt('SELECT * FROM event_types WHERE type = ?').get(input.type) as SqliteRow | undefined;
  const webhooks = webhooksOfBusinessSqlite(db, businessId);
  const item = itemOf(catalogFor(input.type, typeRow ? eventTypeFromSqlite(typeRow) : null), businessId, input, webhooks);
  const sqlite = db;
  const [result] = publishSqlite(conn, (sql) => sqlite.stmt(sql), [item]);
  return receipt(result!);
}
