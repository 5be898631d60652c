/**
 * The narrow persistence interface. SQLite and PostgreSQL implement it; one contract suite
 * runs against both. Times are milliseconds since the Unix epoch; JSON columns travel as text
 * where the hot path only passes them through (event data), and parsed where code reads them.
 */

import type {
  AttemptOutcome,
  AttemptRow,
  DeliveryCounts,
  DeliveryFilter,
  DeliveryRow,
  DispatchItem,
  EventRow,
  EventTypeRow,
  OrderedClaim,
  OrderedClaimOptions,
  Page,
  PublishItem,
  PublishResult,
  PurgeBatch,
  PurgedDeliveries,
  PurgedEvents,
  SenderLease,
  TransformationVersionRow,
  WebhookChanges,
  WebhookHealth,
  WebhookPatch,
  WebhookRow,
  WebhookSecretsRow,
} from './storeTypes.js';

export type * from './storeTypes.js';

/** A token as it is listed: never the token itself, nor its hash. */
export interface TokenRow {
  id: string;
  /** null: an admin (directory) token. */
  business_id: string | null;
  name: string | null;
  /** The token's first characters, to tell tokens apart; null for tokens older than migration 0006. */
  prefix: string | null;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
}
export type NewTokenRow = Omit<TokenRow, 'last_used_at'> & { token_hash: string };
export type TokenGrant = Pick<TokenRow, 'id' | 'business_id' | 'last_used_at' | 'expires_at'>;

/**
 * An embeddable portal session (issue 14, docs/portal.md). `theme` holds only what the admin
 * set; configuration fills in the rest when the portal is served.
 */
export interface PortalTheme {
  name?: string;
  accent?: string;
  logo?: string;
  mode?: 'light' | 'dark';
}
export interface PortalSessionRow {
  id: string;
  business_id: string;
  read_only: boolean;
  theme: PortalTheme;
  return_url: string | null;
  created_at: number;
  expires_at: number;
  /** When its link was exchanged for the cookie session; null while the link is unused. */
  opened_at: number | null;
  revoked_at: number | null;
}
/** `link_hash` is the SHA-256 of the single-use credential the link carries. */
export type NewPortalSessionRow = Omit<PortalSessionRow, 'opened_at' | 'revoked_at'> & { link_hash: string };

export interface BusinessRow {
  id: string;
  name: string;
  created_at: number;
}

export interface StoreCapabilities {
  /** Several processes may share this store (PostgreSQL); SQLite is one process. */
  readonly multiProcess: boolean;
  /**
   * The store can wake idle dispatchers when deliveries become due (PostgreSQL's
   * LISTEN/NOTIFY). True exactly when the store has `listen`.
   */
  readonly notify: boolean;
}

/**
 * One process's retention pass over the store. While it is open no other sweep of the same
 * database can begin, so processes sharing a database do not purge side by side.
 */
export interface RetentionSweep {
  /**
   * Deletes, with their attempts, the deliveries created before `before` that are finished
   * (succeeded or failed), held by nobody and last changed before `before`.
   */
  purgeDeliveries(batch: PurgeBatch): Promise<PurgedDeliveries>;
  /** Deletes events created before `before` that have no delivery left. */
  purgeEvents(batch: PurgeBatch): Promise<PurgedEvents>;
  /** Lets another sweep begin. Safe to call twice. */
  end(): Promise<void>;
}

export interface ClaimDueOptions {
  owner: string;
  now: number;
  leaseUntil: number;
  limit: number;
  excludeWebhooks: string[];
  /** Businesses holding their share of this process's memory budget: their deliveries stay in the store (issue 12). */
  excludeBusinesses?: string[];
  /**
   * Several processes alive (stores with `capabilities.multiProcess`): of the webhooks nobody
   * holds the sender lease of, take only those `owner` owns by rendezvous hashing over `live`
   * (src/dispatch/WebhookOwners.ts), and anyone's rows due before `anyoneBefore`. Absent: any.
   */
  shared?: { live: readonly string[]; anyoneBefore: number };
}

/** A running `hookline serve` or `hookline worker`, as its heartbeat row records it (migration 0007). */
export interface ProcessRow {
  /** The dispatcher's worker id: the owner named on the leases it takes. */
  id: string;
  host: string;
  pid: number;
  mode: 'serve' | 'worker';
  started_at: number;
  heartbeat_at: number;
}

/** What giving back dead processes' leases did. */
export interface ReleasedLeases {
  /** Ids of the processes whose rows were removed. */
  processes: string[];
  /** Deliveries made due now, held by nobody. */
  deliveries: number;
  /** Sender leases (webhook_senders rows) removed. */
  senders: number;
}

// Svix's API (docs/svix.md, migration 0009): what it knows about Hookline's objects and Hookline does not.
export type SvixRecordKind = 'app' | 'endpoint' | 'message' | 'idempotency';

/** One object's Svix-only fields: `body` is JSON text only the Svix routes read. */
export interface SvixRecord {
  kind: SvixRecordKind;
  /** What `uid` is unique within: '' for applications, the business id for the rest. */
  scope: string;
  /** The business, webhook or event id the record belongs to; the key for idempotency records. */
  id: string;
  uid: string | null;
  body: string;
  created_at: number;
  updated_at: number;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly capabilities: StoreCapabilities;

  migrate(): Promise<void>;
  close(): Promise<void>;

  getMeta(key: string): Promise<string | null>;
  /** Sets `key` unless it has a value; returns the value that is stored afterwards. */
  setMetaIfAbsent(key: string, value: string): Promise<string>;
  /** Sets `key`, replacing any value. */
  setMeta(key: string, value: string): Promise<void>;

  /**
   * After secrets were rewritten (encrypted, or moved to a new key): forgets the secrets of
   * deleted webhooks, which nothing reads again, and rewrites the database so that no earlier
   * version of a value is left in its files: SQLite's free pages and WAL, PostgreSQL's dead
   * tuples (issue 12 §6, docs/reliability.md#secrets). It holds SQLite's one writer, or the
   * webhooks table on PostgreSQL, for as long as it takes (seconds per GB on SQLite, whose whole
   * file is rebuilt): it runs once per key change, after the background rewrite.
   */
  scrubSecretsAtRest(): Promise<void>;

  createBusiness(row: BusinessRow): Promise<BusinessRow>;
  getBusiness(id: string): Promise<BusinessRow | null>;
  listBusinesses(): Promise<BusinessRow[]>;

  // Tokens (docs/api.md#authentication). Revoking deletes the row; nothing else remembers a token.
  /** Idempotent on the hash: processes starting together may all register the same token. */
  createToken(row: NewTokenRow): Promise<void>;
  /**
   * Makes `row` the only admin token: registers it (idempotent on the hash) and deletes every
   * other admin token, configured or generated, in one transaction.
   */
  replaceAdminTokens(row: NewTokenRow): Promise<void>;
  /** What authenticating a token hash needs; `business_id` null is an admin token. */
  findToken(tokenHash: string): Promise<TokenGrant | null>;
  /** A business's tokens, oldest first. */
  listTokens(businessId: string): Promise<TokenRow[]>;
  /** false when the business has no token with this id. */
  deleteToken(businessId: string, id: string): Promise<boolean>;
  /** Records a use; never moves last_used_at backwards. Callers coalesce (one write a minute). */
  touchToken(id: string, usedAt: number): Promise<void>;

  // Portal sessions (issue 14, docs/portal.md). Revoking keeps the row, marked, so that its
  // link's "expired" page still offers the session's return_url.
  /** Also removes sessions that expired more than a day before `row.created_at`. */
  createPortalSession(row: NewPortalSessionRow): Promise<void>;
  /**
   * The single-use exchange: when the link is unused, unrevoked and unexpired at `now`, records
   * `sessionHash` as the session's cookie credential and returns the session; otherwise null.
   * Two openings racing on two processes: one wins.
   */
  openPortalLink(linkHash: string, sessionHash: string, now: number): Promise<PortalSessionRow | null>;
  /** The session a link belongs to, however it stands (used, expired, revoked), for its expired page. */
  findPortalSessionByLink(linkHash: string): Promise<PortalSessionRow | null>;
  /** The session a cookie credential belongs to, however it stands; callers check expiry and revocation. */
  findPortalSession(sessionHash: string): Promise<PortalSessionRow | null>;
  /** false when the business has no session with this id; revoking twice is true twice. */
  revokePortalSession(businessId: string, id: string, now: number): Promise<boolean>;

  listEventTypes(): Promise<EventTypeRow[]>;
  upsertEventType(row: EventTypeRow): Promise<void>;

  createWebhook(row: WebhookRow): Promise<WebhookRow>;
  getWebhook(businessId: string, id: string): Promise<WebhookRow | null>;
  getWebhookById(id: string): Promise<WebhookRow | null>;
  listWebhooks(businessId: string, opts: { cursor?: string; limit: number }): Promise<Page<WebhookRow>>;
  /** All of a business's webhooks (enabled or not), for matching events at publish time. */
  webhooksOfBusiness(businessId: string): Promise<WebhookRow[]>;
  /**
   * Every business's webhooks in pages: up to `limit` with an id above `afterId` (`''` to
   * begin), in id order, for passes over all of them (one read a page, not one a business).
   */
  webhooksAfter(afterId: string, limit: number): Promise<WebhookRow[]>;
  /** The same pages with only the secret fields: decoding whole rows was most of a pass over 300,000 (issue 19). */
  webhookSecretsAfter(afterId: string, limit: number): Promise<WebhookSecretsRow[]>;
  /**
   * Writes these webhooks' secret fields as given, in one transaction: a re-encryption, whose
   * values mean what they meant, so nothing else changes (not `updated_at`, not the webhooks
   * version). Fields a row lacks (`auth`, `tls`) are written as none. A webhook whose
   * `updated_at` is no longer the row's was changed since it was read, and is left as it is.
   * Returns how many were written: fewer than given means some changed meanwhile. SQLite
   * zeroes the values it replaces (`secure_delete`); PostgreSQL leaves dead tuples to the scrub.
   */
  rewriteWebhookSecrets(rows: WebhookSecretsRow[]): Promise<number>;
  /** Live webhooks whose URL starts with `prefix`, by id: only what finding them needs, in one scan. */
  webhooksWithUrlPrefix(prefix: string): Promise<{ id: string; business_id: string }[]>;
  updateWebhook(businessId: string, id: string, patch: WebhookPatch, now: number): Promise<WebhookRow | null>;
  deleteWebhook(businessId: string, id: string): Promise<boolean>;
  /** Bumped by every webhook change; lets publishers cache matching across processes. */
  webhooksVersion(): Promise<number>;
  /**
   * The businesses whose webhooks changed after webhooks version `since` (each business keeps
   * the version of its last change, written in the same transaction), so a publisher's cache
   * drops only those (issue 19).
   */
  webhookChangesSince(since: number): Promise<WebhookChanges>;

  /**
   * Stores events and their deliveries in one transaction. Repeated event ids are no-ops.
   * A delivery the caller asked to hold (`lease_owner` set) whose webhook has a live sender
   * lease held by another process is stored unleased and due instead, and comes back that way:
   * only the sender may send it (docs/delivery.md#across-processes-one-sender-per-webhook).
   */
  publish(items: PublishItem[]): Promise<PublishResult[]>;
  getEvent(businessId: string, id: string): Promise<EventRow | null>;
  /**
   * A business's last `limit` events, newest first (a filter's dry run, issue 16). Walks the
   * `events_created` index backwards, so its cost follows how many events of all businesses
   * arrived since the business's `limit`-th newest one.
   */
  recentEvents(businessId: string, limit: number): Promise<EventRow[]>;

  /** Keeps one saved version of a webhook's transformation code (issue 16); a version saved twice keeps the first. */
  addTransformationVersion(row: TransformationVersionRow): Promise<void>;
  /** A webhook's saved transformation versions, newest first. */
  transformationVersions(webhookId: string): Promise<TransformationVersionRow[]>;

  /**
   * Takes up to `limit` due deliveries for `owner` until `leaseUntil`, oldest due first,
   * skipping webhooks listed in `excludeWebhooks` (those this process cannot take more of).
   */
  claimDue(opts: ClaimDueOptions): Promise<DispatchItem[]>;
  renewLeases(owner: string, deliveryIds: string[], leaseUntil: number): Promise<void>;
  /** Gives held deliveries back so that any process may take them at `availableAt`. */
  releaseLeases(owner: string, deliveryIds: string[], availableAt: number): Promise<void>;
  /** Takes no attempt: parks held deliveries (webhook disabled, circuit open); one whose webhook is deleted fails instead. */
  parkDeliveries(owner: string, deliveryIds: string[]): Promise<void>;
  failDeliveries(owner: string, deliveryIds: string[], now: number): Promise<void>;
  /** Makes a webhook's parked deliveries due again (it was re-enabled). */
  unparkWebhook(webhookId: string, now: number): Promise<number>;
  /** Records attempts and the deliveries' new state in one transaction. */
  recordOutcomes(outcomes: AttemptOutcome[], now: number): Promise<void>;
  /** Records a webhook's health after a batch of attempts. */
  setWebhookHealth(
    id: string,
    health: WebhookHealth,
    now: number,
  ): Promise<void>;

  listDeliveries(businessId: string, filter: DeliveryFilter, opts: { cursor?: string; limit: number }): Promise<Page<DeliveryRow>>;
  getDelivery(businessId: string, id: string): Promise<(DeliveryRow & { attempts: AttemptRow[] }) | null>;
  /** Makes one delivery due now (whatever its status); null when not found. */
  retryDelivery(businessId: string, id: string, now: number): Promise<DeliveryRow | null>;
  /** Makes a webhook's failed deliveries created at or after `since` due now; returns how many. */
  /** Failed deliveries created in [since, until] (until: no bound) are due again at `now`. */
  replayFailed(webhookId: string, since: number, now: number, until?: number): Promise<number>;

  deliveryCounts(): Promise<DeliveryCounts>;

  /** Starts a retention pass; null when another one (any process) is running on this database. */
  beginRetentionSweep(): Promise<RetentionSweep | null>;

  /**
   * Makes `owner` the one process that sends for each of `webhookIds` until `leaseUntil`,
   * where nobody is, the lease has expired (`lease_until <= now`), or `owner` already is.
   * Returns who sends for each afterwards (webhooks nobody could be read for are left out).
   * Renewing is acquiring again. docs/delivery.md#flow-control says why one sender.
   */
  acquireSenders(owner: string, webhookIds: string[], now: number, leaseUntil: number): Promise<SenderLease[]>;
  /** Gives up `owner`'s sender leases on these webhooks, so another process may take them at once. */
  releaseSenders(owner: string, webhookIds: string[]): Promise<void>;
  /**
   * For an ordered (fifo) webhook: leases to `owner`, in event order (`created_at`, then
   * event id), the leading run of the webhook's unfinished deliveries that can be sent now
   * (due and held by nobody, held by `owner`, or held under an expired lease), at most
   * `limit`. The run stops at the first delivery that cannot: nothing behind it is returned.
   * Parked deliveries stop the run too, unless `includeParked` (the probe of an open circuit).
   */
  claimOrdered(opts: OrderedClaimOptions): Promise<OrderedClaim>;
  /**
   * Leases to `owner` the oldest unfinished delivery of a webhook that can be sent now,
   * parked ones included: the probe of an open circuit. Null when there is none.
   */
  claimProbe(opts: { owner: string; webhookId: string; now: number; leaseUntil: number }): Promise<DispatchItem | null>;
  /** Enabled webhooks whose health is 'unhealthy': open circuits that need probing after a restart. */
  unhealthyWebhookIds(): Promise<string[]>;

  // Process heartbeats and crash recovery (docs/reliability.md#crash-recovery).
  /**
   * Records that `row.id` is alive at `row.heartbeat_at`, inserting the row if it is absent.
   * Returns false when the row was absent although `row.heartbeat_at > row.started_at`: another
   * process declared this one dead and has given its leases away.
   */
  heartbeat(row: ProcessRow): Promise<boolean>;
  /** Every registered process, oldest first. */
  listProcesses(): Promise<ProcessRow[]>;
  /** Removes the process's row (a clean stop, after its leases were given back). */
  removeProcess(id: string): Promise<void>;
  /**
   * Processes other than `except` whose last heartbeat is before `deadBefore` are dead: their
   * rows are removed, the deliveries they hold under leases that have not run out
   * (`next_attempt_at > now`) are made due at `now` with no owner, and their sender leases are
   * deleted, in one transaction. Leases that ran out are left to the claim, as they are.
   */
  releaseDeadProcesses(opts: { now: number; deadBefore: number; except: string }): Promise<ReleasedLeases>;
  /**
   * For a process that knows it is the only one (SQLite, whose file it has locked): every
   * delivery and sender lease held by another owner, registered or not, is given back as by
   * `releaseDeadProcesses`, and every other process row removed.
   */
  releaseLeasesNotOwnedBy(owner: string, now: number): Promise<ReleasedLeases>;

  // Svix's API (docs/svix.md): records beside businesses, webhooks and events.
  /**
   * Inserts the record or replaces the one with its kind, scope and id (keeping its
   * `created_at`); false, and nothing written, when another record of the scope holds its uid.
   */
  putSvixRecord(row: SvixRecord): Promise<boolean>;
  /** The records of these ids that exist, in no particular order. */
  getSvixRecords(kind: SvixRecordKind, scope: string, ids: string[]): Promise<SvixRecord[]>;
  /** A scope's records of `kind`, newest first (`created_at`, then id); cursors from `svixRecordCursor`. */
  listSvixRecords(kind: SvixRecordKind, scope: string, opts: { cursor?: string; limit: number }): Promise<Page<SvixRecord>>;
  findSvixRecordByUid(kind: SvixRecordKind, scope: string, uid: string): Promise<SvixRecord | null>;
  deleteSvixRecord(kind: SvixRecordKind, scope: string, id: string): Promise<boolean>;
  /** Deletes records of `kind` created before `before`; returns how many. */
  purgeSvixRecords(kind: SvixRecordKind, before: number): Promise<number>;

  /**
   * Calls `onDue` when another process makes deliveries due (only where
   * `capabilities.notify`); resolves to a function that stops listening.
   *
   * Present exactly when `capabilities.notify` is true; a store that cannot notify (SQLite:
   * one process, whose dispatcher hears of what it makes due directly) has no `listen` at all,
   * so checking either is enough. `onDue` is called once a commit by any process on the
   * database, this one included, has made deliveries due that nobody holds: a publish whose
   * deliveries its publisher does not keep, released leases, a retry, a replay, an unpark, a
   * dead process's leases given back. A publish whose deliveries are all held wakes nobody. Calls may be merged, and one comes after every
   * reconnect since what was sent meanwhile is lost: `onDue` means "claim now", never "this
   * many". It is a hint; polling still finds everything.
   *
   * Resolves, once listening, to a function that stops listening (safe to call twice).
   * Rejects with STORE_UNAVAILABLE when it cannot start, or once the store is closed. A
   * connection lost later is opened again in the background and the loss reported through
   * `StoreOptions.onBackgroundError`; `close()` stops every listener.
   */
  listen?(onDue: () => void): Promise<() => Promise<void>>;
}

export interface StoreOptions {
  /** Errors that happen outside any call (an idle connection dropping, a listener reconnecting). */
  onBackgroundError?: (err: Error) => void;
}
