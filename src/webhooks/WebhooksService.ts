import type { Config } from '../config.js';
import type { EventCatalog } from '../catalog/EventCatalog.js';
import { HooklineError } from '../errors.js';
import { newWebhookSecret } from '../ids.js';
import type { Store, TransformationSpec, WebhookPatch, WebhookRow } from '../store/Store.js';
import type { WebhookEngine } from './WebhookEngine.js';
import { newWebhookRow, WEBHOOK_DEFAULTS } from './newWebhookRow.js';
import { checkDialect, checkEvents, checkHeaders, checkUrl, type OwnInboxes } from './webhookInput.js';
import { checkRoomForWebhook, checkWebhookBounds } from './webhookLimits.js';
import { checkPayloadFilter } from '../catalog/payloadFilter/index.js';
import { listenerUrl } from '../listen/listenerUrl.js';
import { checkAuth, checkTls, checkVerification, type EndpointAuthInput } from './endpointInput.js';
import { isPendingVerification } from './verificationState.js';
import type { EndpointTls } from '../store/Store.js';
import { checkTransformation, type TransformationInput } from '../transform/checkTransformation.js';
import { storedChannels } from '../catalog/channels.js';

/** The old secret keeps signing beside the new one for this long after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** What an owner of a webhook chooses about it. */
export type WebhookSettings = Pick<
  WebhookRow,
  'name' | 'url' | 'events' | 'dialect' | 'enabled' | 'headers' | 'timeout_ms' | 'retry_schedule' | 'rate_limit' | 'max_in_flight' | 'ordering' | 'filter' | 'channels'
>;
/** How the endpoint is reached, as the API takes it (docs/endpoint-auth.md). */
export interface EndpointChoices {
  auth?: EndpointAuthInput | null;
  tls?: EndpointTls | null;
  verification?: 'none' | 'challenge' | null;
}
/** A new webhook: a URL and its events; everything else has a default. */
export type NewWebhook = Pick<WebhookSettings, 'url' | 'events'> &
  Partial<Omit<WebhookSettings, 'url' | 'events'>> &
  EndpointChoices & { secret?: string; transformation?: TransformationInput | null };
export type WebhookChanges = Partial<WebhookSettings> & EndpointChoices & { transformation?: TransformationInput | null };

const SETTINGS: readonly (keyof WebhookSettings)[] = [
  'name', 'url', 'events', 'dialect', 'enabled', 'headers', 'timeout_ms', 'retry_schedule', 'rate_limit', 'max_in_flight', 'ordering',
  'filter', 'channels',
];

export interface WebhooksServiceDeps {
  /** The store as the rest of Hookline sees it: secrets are sealed below it (`withEncryptedSecrets`). */
  store: Store;
  config: Config;
  catalog: EventCatalog;
  engine: WebhookEngine;
  /** This server's own test inboxes, accepted as targets without opening private networks. */
  ownInboxes?: OwnInboxes;
  /** Told of every saved client certificate, to warn of its expiry (CertificateExpiryWatch). */
  certificates?: { saved(webhook: WebhookRow): void };
}

/**
 * Every change to a webhook, whichever API asks for it: the checks a webhook must pass, the
 * operator's bounds, and what the delivery engine must be told afterwards. Routes translate
 * their own request and response shapes and call this; none writes webhooks to the store
 * itself, so the rules cannot drift apart between them (issue 13).
 */
export class WebhooksService {
  constructor(private readonly deps: WebhooksServiceDeps) {}

  /** The webhook, or WEBHOOK_NOT_FOUND. */
  async get(businessId: string, id: string): Promise<WebhookRow> {
    return (await this.deps.store.getWebhook(businessId, id)) ?? notFound(businessId, id);
  }

  /** The URL as it would be stored, or the error that refuses it: for callers that compare URLs before creating. */
  targetUrl(url: string): string {
    return checkUrl(url, this.deps.config.allowPrivateNetworks, this.deps.ownInboxes);
  }

  async create(businessId: string, input: NewWebhook): Promise<WebhookRow> {
    const { config, catalog, store } = this.deps;
    const dialect = checkDialect(input.dialect ?? WEBHOOK_DEFAULTS.dialect);
    const url = this.targetUrl(input.url);
    checkWebhookBounds(config, input);
    const row = newWebhookRow(businessId, {
      name: input.name ?? new URL(url).hostname,
      url,
      events: checkEvents(catalog, input.events, dialect),
      dialect,
      enabled: input.enabled,
      headers: checkHeaders(input.headers ?? {}),
      timeout_ms: input.timeout_ms,
      retry_schedule: input.retry_schedule,
      rate_limit: input.rate_limit,
      max_in_flight: input.max_in_flight,
      ordering: input.ordering,
      filter: checkPayloadFilter(input.filter ?? null) ?? undefined,
      channels: storedChannels(input.channels) ?? undefined,
      secret: input.secret,
      ...this.endpointPatch(input, null),
    });
    checkAuthorizationOnce(row);
    const transformation = input.transformation ? await checkTransformation(input.transformation, dialect) : null;
    await checkRoomForWebhook(config, store, businessId);
    if (transformation) row.transformation = await this.saveVersion(row.id, transformation, row.created_at);
    await store.createWebhook(row);
    this.afterEndpointSaved(row, null);
    return row;
  }

  /**
   * A `hookline listen` listener: a webhook whose attempts go down the listener's stream
   * instead of the network (docs/listen.md), so it has no target URL to check. Its URL names
   * the listener, in a scheme `checkUrl` refuses, so no other webhook can be pointed at it.
   */
  async createListener(businessId: string, input: { events: readonly string[]; dialect?: string }): Promise<WebhookRow> {
    const { config, catalog, store } = this.deps;
    const dialect = checkDialect(input.dialect ?? WEBHOOK_DEFAULTS.dialect);
    const row = newWebhookRow(businessId, { name: 'hookline listen', url: '', events: checkEvents(catalog, input.events, dialect), dialect });
    row.url = listenerUrl(row.id);
    await checkRoomForWebhook(config, store, businessId);
    await store.createWebhook(row);
    return row;
  }

  /**
   * Sends the ownership challenge now and records the answer: a verified URL gets its held
   * deliveries; one that did not echo stays pending with the reason.
   */
  async verify(businessId: string, id: string): Promise<WebhookRow> {
    const current = await this.get(businessId, id);
    if (!isPendingVerification(current)) return current;
    const answer = await this.deps.engine.verifyOwnership(current);
    // The URL may have changed while the challenge was out: then this answer is about another URL.
    const now = await this.get(businessId, id);
    if (now.url !== current.url || now.verification !== 'challenge') return now;
    const patch: WebhookPatch = answer.ok ? { verified_url: current.url, verification_error: null } : { verification_error: answer.reason };
    const updated = (await this.deps.store.updateWebhook(businessId, id, patch, Date.now())) ?? notFound(businessId, id);
    this.deps.engine.invalidate(id);
    if (answer.ok) await this.resumeParked(id);
    return updated;
  }

  /** The stored form of the endpoint fields the caller gave; absent ones are left out. */
  private endpointPatch(input: EndpointChoices, current: WebhookRow | null): WebhookPatch {
    const patch: WebhookPatch = {};
    if (input.auth !== undefined) patch.auth = checkAuth(input.auth, current?.auth, this.deps.config.allowPrivateNetworks);
    if (input.tls !== undefined) patch.tls = checkTls(input.tls, current?.tls);
    if (input.verification !== undefined) patch.verification = checkVerification(input.verification);
    return patch;
  }

  /** A pending webhook is challenged at once (in the background: the answer is recorded on the webhook); a new certificate is looked at for its expiry. */
  private afterEndpointSaved(row: WebhookRow, before: WebhookRow | null): void {
    if (row.tls?.client_cert && row.tls.client_cert !== before?.tls?.client_cert) this.deps.certificates?.saved(row);
    if (isPendingVerification(row) && (!before || !isPendingVerification(before) || before.url !== row.url)) {
      this.verify(row.business_id, row.id).catch(() => {});
    }
  }

  /**
   * Changes what the caller gave and leaves the rest. Enabling a disabled webhook makes it
   * healthy and resumes its parked deliveries; disabling it records why it went quiet.
   */
  async update(businessId: string, id: string, changes: WebhookChanges): Promise<WebhookRow> {
    const { config, catalog, store } = this.deps;
    const current = await this.get(businessId, id);
    checkWebhookBounds(config, changes);
    const patch = settingsOf(changes);
    const dialect = changes.dialect !== undefined ? checkDialect(changes.dialect) : current.dialect;
    if (changes.url !== undefined) patch.url = this.targetUrl(changes.url);
    // A new dialect reads the kept filters in its own names, so they are checked again.
    if (changes.events !== undefined || changes.dialect !== undefined) patch.events = checkEvents(catalog, changes.events ?? current.events, dialect);
    if (changes.headers !== undefined) patch.headers = checkHeaders(changes.headers);
    if (changes.filter !== undefined) patch.filter = checkPayloadFilter(changes.filter);
    if (changes.channels !== undefined) patch.channels = storedChannels(changes.channels);
    Object.assign(patch, this.endpointPatch(changes, current));
    // The last challenge's failure was about the old URL.
    if (patch.url !== undefined && patch.url !== current.url) patch.verification_error = null;
    checkAuthorizationOnce({ ...current, ...patch });
    const now = Date.now();
    if (changes.transformation !== undefined) {
      patch.transformation = changes.transformation === null ? null : await this.nextTransformation(current, await checkTransformation(changes.transformation, dialect), now);
    } else if (changes.dialect !== undefined && current.transformation) {
      await checkTransformation(current.transformation, dialect);
    }
    const reEnabled = changes.enabled === true && !current.enabled;
    if (reEnabled) Object.assign(patch, { health_state: 'healthy', consecutive_failures: 0, health_since: now, health_reason: null });
    if (changes.enabled === false) Object.assign(patch, { health_state: 'disabled', health_since: now, health_reason: 'Disabled through the API.' });
    const updated = (await store.updateWebhook(businessId, id, patch, now)) ?? notFound(businessId, id);
    this.deps.engine.invalidate(updated.id);
    // Turning verification off releases what it held.
    const released = isPendingVerification(current) && !isPendingVerification(updated);
    if (reEnabled || released) await this.resumeParked(updated.id);
    this.afterEndpointSaved(updated, current);
    return updated;
  }

  /** The stored transformation after a save: a new version when the code changed, the same one when only `enabled` did. */
  private async nextTransformation(current: WebhookRow, input: Required<TransformationInput>, now: number): Promise<TransformationSpec> {
    const kept = current.transformation;
    if (kept && kept.code === input.code) return { ...kept, enabled: input.enabled };
    return this.saveVersion(current.id, input, now);
  }

  /** Keeps the code as the webhook's next version, so every attempt can name the code that shaped it. */
  private async saveVersion(webhookId: string, input: Required<TransformationInput>, now: number): Promise<TransformationSpec> {
    const latest = (await this.deps.store.transformationVersions(webhookId))[0]?.version ?? 0;
    const version = latest + 1;
    await this.deps.store.addTransformationVersion({ webhook_id: webhookId, version, code: input.code, created_at: now });
    return { code: input.code, enabled: input.enabled, version };
  }

  /** A new secret (given, or generated); the old one keeps signing beside it for ROTATION_OVERLAP_MS. */
  async rotateSecret(businessId: string, id: string, secret?: string): Promise<WebhookRow> {
    const current = await this.get(businessId, id);
    const now = Date.now();
    const patch: WebhookPatch = { secret: secret ?? newWebhookSecret(), previous_secret: current.secret, previous_secret_expires_at: now + ROTATION_OVERLAP_MS };
    const updated = (await this.deps.store.updateWebhook(businessId, id, patch, now)) ?? notFound(businessId, id);
    this.deps.engine.invalidate(id);
    return updated;
  }

  /**
   * Removes the webhook; its log stays. What it still owed fails: in the store at once for what
   * no process holds (parked ones included), and in the engine for what it holds once it sees
   * the webhook gone.
   */
  async remove(businessId: string, id: string): Promise<void> {
    if (!(await this.deps.store.deleteWebhook(businessId, id))) notFound(businessId, id);
    this.deps.engine.invalidate(id);
  }

  /**
   * Stops sending these exact filters to the webhook; one left with none is removed. The kept
   * filters were checked when they were stored, so they are not read through the dialect again.
   */
  async dropEvents(businessId: string, id: string, filters: readonly string[]): Promise<'narrowed' | 'removed'> {
    const current = await this.get(businessId, id);
    const rest = current.events.filter((e) => !filters.includes(e));
    if (rest.length === 0) {
      await this.remove(businessId, id);
      return 'removed';
    }
    (await this.deps.store.updateWebhook(businessId, id, { events: rest }, Date.now())) ?? notFound(businessId, id);
    this.deps.engine.invalidate(id);
    return 'narrowed';
  }

  private async resumeParked(id: string): Promise<void> {
    if ((await this.deps.store.unparkWebhook(id, Date.now())) > 0) this.deps.engine.wake();
  }
}

/** `auth` sets the Authorization header, so a custom one beside it would be silently replaced: refused instead. */
function checkAuthorizationOnce(w: Pick<WebhookRow, 'auth' | 'headers'>): void {
  if (w.auth && Object.keys(w.headers).some((h) => h.toLowerCase() === 'authorization')) {
    throw new HooklineError('INVALID_ENDPOINT_AUTH', 'auth: the webhook also has a custom Authorization header, which auth would replace; remove the header or the auth.');
  }
}

function settingsOf(changes: WebhookChanges): WebhookPatch {
  const patch: Record<string, unknown> = {};
  for (const key of SETTINGS) if (changes[key] !== undefined) patch[key] = changes[key];
  return patch as WebhookPatch;
}

function notFound(businessId: string, id: string): never {
  throw new HooklineError('WEBHOOK_NOT_FOUND', `No webhook "${id}" in business "${businessId}".`);
}
