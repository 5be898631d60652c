import type {
  DispatchItem,
  NewTokenRow,
  NewPortalSessionRow,
  OrderedClaim,
  OrderedClaimOptions,
  Page,
  PortalSessionRow,
  ProcessRow,
  ReleasedLeases,
  SenderLease,
  Store,
  SvixRecord,
  SvixRecordKind,
  TokenGrant,
  TokenRow,
  WebhookChanges,
  WebhookHealth,
  WebhookPatch,
  WebhookRow,
  WebhookSecretsRow,
} from './Store.js';

/** A part's functions: the Store methods named `M`, each taking the database handle first. */
type Part<Db, M extends keyof Store> = {
  readonly [K in M]: Store[K] extends (...args: infer A) => infer R ? (db: Db, ...args: A) => R : never;
};

/**
 * The parts each database folder implements under the same file names (webhooks.ts,
 * tokens.ts, processes.ts, portalSessions.ts, svixRecords.ts, flowControl.ts), with the same function names and arguments,
 * whatever the database handle: a `SqliteDatabase` or a `PgDatabase`.
 */
export interface StorePartModules<Db> {
  webhooks: Part<Db, 'createWebhook' | 'getWebhook' | 'getWebhookById' | 'listWebhooks' | 'webhooksOfBusiness' | 'webhooksAfter' | 'webhookSecretsAfter' | 'rewriteWebhookSecrets' | 'webhooksWithUrlPrefix' | 'webhookChangesSince' | 'updateWebhook' | 'deleteWebhook' | 'setWebhookHealth'>;
  tokens: Part<Db, 'createToken' | 'replaceAdminTokens' | 'findToken' | 'listTokens' | 'deleteToken' | 'touchToken'>;
  processes: Part<Db, 'heartbeat' | 'listProcesses' | 'removeProcess' | 'releaseDeadProcesses' | 'releaseLeasesNotOwnedBy'>;
  portalSessions: Part<Db, 'createPortalSession' | 'openPortalLink' | 'findPortalSessionByLink' | 'findPortalSession' | 'revokePortalSession'>;
  svixRecords: Part<Db, 'putSvixRecord' | 'getSvixRecords' | 'listSvixRecords' | 'findSvixRecordByUid' | 'deleteSvixRecord' | 'purgeSvixRecords'>;
  flowControl: Part<Db, 'acquireSenders' | 'releaseSenders' | 'claimOrdered' | 'claimProbe' | 'unhealthyWebhookIds'>;
}

/**
 * The Store methods that are one part's function, wired once for both databases: each store
 * class extends this with its own handle and its own folder's parts. They are methods of the
 * prototype, where SQLite's error guard and its store thread look for them.
 */
export abstract class StoreParts<Db> {
  protected constructor(
    private readonly partsDb: Db,
    private readonly parts: StorePartModules<Db>,
  ) {}

  // Webhooks (webhooks.ts).
  createWebhook(row: WebhookRow): Promise<WebhookRow> {
    return this.parts.webhooks.createWebhook(this.partsDb, row);
  }

  getWebhook(businessId: string, id: string): Promise<WebhookRow | null> {
    return this.parts.webhooks.getWebhook(this.partsDb, businessId, id);
  }

  getWebhookById(id: string): Promise<WebhookRow | null> {
    return this.parts.webhooks.getWebhookById(this.partsDb, id);
  }

  listWebhooks(businessId: string, opts: { cursor?: string; limit: number }): Promise<Page<WebhookRow>> {
    return this.parts.webhooks.listWebhooks(this.partsDb, businessId, opts);
  }

  webhooksOfBusiness(businessId: string): Promise<WebhookRow[]> {
    return this.parts.webhooks.webhooksOfBusiness(this.partsDb, businessId);
  }

  webhooksAfter(afterId: string, limit: number): Promise<WebhookRow[]> {
    return this.parts.webhooks.webhooksAfter(this.partsDb, afterId, limit);
  }

  webhookSecretsAfter(afterId: string, limit: number): Promise<WebhookSecretsRow[]> {
    return this.parts.webhooks.webhookSecretsAfter(this.partsDb, afterId, limit);
  }

  rewriteWebhookSecrets(rows: WebhookSecretsRow[]): Promise<number> {
    return this.parts.webhooks.rewriteWebhookSecrets(this.partsDb, rows);
  }

  webhooksWithUrlPrefix(prefix: string): Promise<{ id: string; business_id: string }[]> {
    return this.parts.webhooks.webhooksWithUrlPrefix(this.partsDb, prefix);
  }

  webhookChangesSince(since: number): Promise<WebhookChanges> {
    return this.parts.webhooks.webhookChangesSince(this.partsDb, since);
  }

  updateWebhook(businessId: string, id: string, patch: WebhookPatch, now: number): Promise<WebhookRow | null> {
    return this.parts.webhooks.updateWebhook(this.partsDb, businessId, id, patch, now);
  }

  deleteWebhook(businessId: string, id: string): Promise<boolean> {
    return this.parts.webhooks.deleteWebhook(this.partsDb, businessId, id);
  }

  setWebhookHealth(id: string, health: WebhookHealth, now: number): Promise<void> {
    return this.parts.webhooks.setWebhookHealth(this.partsDb, id, health, now);
  }

  // Tokens (tokens.ts; docs/api.md#authentication).
  createToken(row: NewTokenRow): Promise<void> {
    return this.parts.tokens.createToken(this.partsDb, row);
  }

  replaceAdminTokens(row: NewTokenRow): Promise<void> {
    return this.parts.tokens.replaceAdminTokens(this.partsDb, row);
  }

  findToken(tokenHash: string): Promise<TokenGrant | null> {
    return this.parts.tokens.findToken(this.partsDb, tokenHash);
  }

  listTokens(businessId: string): Promise<TokenRow[]> {
    return this.parts.tokens.listTokens(this.partsDb, businessId);
  }

  deleteToken(businessId: string, id: string): Promise<boolean> {
    return this.parts.tokens.deleteToken(this.partsDb, businessId, id);
  }

  touchToken(id: string, usedAt: number): Promise<void> {
    return this.parts.tokens.touchToken(this.partsDb, id, usedAt);
  }

  // Process heartbeats and crash recovery (processes.ts; docs/reliability.md#crash-recovery).
  heartbeat(row: ProcessRow): Promise<boolean> {
    return this.parts.processes.heartbeat(this.partsDb, row);
  }

  listProcesses(): Promise<ProcessRow[]> {
    return this.parts.processes.listProcesses(this.partsDb);
  }

  removeProcess(id: string): Promise<void> {
    return this.parts.processes.removeProcess(this.partsDb, id);
  }

  releaseDeadProcesses(opts: { now: number; deadBefore: number; except: string }): Promise<ReleasedLeases> {
    return this.parts.processes.releaseDeadProcesses(this.partsDb, opts);
  }

  releaseLeasesNotOwnedBy(owner: string, now: number): Promise<ReleasedLeases> {
    return this.parts.processes.releaseLeasesNotOwnedBy(this.partsDb, owner, now);
  }

  // Portal sessions (portalSessions.ts; docs/portal.md).
  createPortalSession(row: NewPortalSessionRow): Promise<void> {
    return this.parts.portalSessions.createPortalSession(this.partsDb, row);
  }

  openPortalLink(linkHash: string, sessionHash: string, now: number): Promise<PortalSessionRow | null> {
    return this.parts.portalSessions.openPortalLink(this.partsDb, linkHash, sessionHash, now);
  }

  findPortalSessionByLink(linkHash: string): Promise<PortalSessionRow | null> {
    return this.parts.portalSessions.findPortalSessionByLink(this.partsDb, linkHash);
  }

  findPortalSession(sessionHash: string): Promise<PortalSessionRow | null> {
    return this.parts.portalSessions.findPortalSession(this.partsDb, sessionHash);
  }

  revokePortalSession(businessId: string, id: string, now: number): Promise<boolean> {
    return this.parts.portalSessions.revokePortalSession(this.partsDb, businessId, id, now);
  }

  // Svix's records (svixRecords.ts; docs/svix.md).
  putSvixRecord(row: SvixRecord): Promise<boolean> {
    return this.parts.svixRecords.putSvixRecord(this.partsDb, row);
  }

  getSvixRecords(kind: SvixRecordKind, scope: string, ids: string[]): Promise<SvixRecord[]> {
    return this.parts.svixRecords.getSvixRecords(this.partsDb, kind, scope, ids);
  }

  listSvixRecords(kind: SvixRecordKind, scope: string, opts: { cursor?: string; limit: number }): Promise<Page<SvixRecord>> {
    return this.parts.svixRecords.listSvixRecords(this.partsDb, kind, scope, opts);
  }

  findSvixRecordByUid(kind: SvixRecordKind, scope: string, uid: string): Promise<SvixRecord | null> {
    return this.parts.svixRecords.findSvixRecordByUid(this.partsDb, kind, scope, uid);
  }

  deleteSvixRecord(kind: SvixRecordKind, scope: string, id: string): Promise<boolean> {
    return this.parts.svixRecords.deleteSvixRecord(this.partsDb, kind, scope, id);
  }

  purgeSvixRecords(kind: SvixRecordKind, before: number): Promise<number> {
    return this.parts.svixRecords.purgeSvixRecords(this.partsDb, kind, before);
  }

  // Flow control (flowControl.ts; docs/delivery.md#flow-control).
  acquireSenders(owner: string, webhookIds: string[], now: number, leaseUntil: number): Promise<SenderLease[]> {
    return this.parts.flowControl.acquireSenders(this.partsDb, owner, webhookIds, now, leaseUntil);
  }

  releaseSenders(owner: string, webhookIds: string[]): Promise<void> {
    return this.parts.flowControl.releaseSenders(this.partsDb, owner, webhookIds);
  }

  claimOrdered(opts: OrderedClaimOptions): Promise<OrderedClaim> {
    return this.parts.flowControl.claimOrdered(this.partsDb, opts);
  }

  claimProbe(opts: { owner: string; webhookId: string; now: number; leaseUntil: number }): Promise<DispatchItem | null> {
    return this.parts.flowControl.claimProbe(this.partsDb, opts);
  }

  unhealthyWebhookIds(): Promise<string[]> {
    return this.parts.flowControl.unhealthyWebhookIds(this.partsDb);
  }
}
