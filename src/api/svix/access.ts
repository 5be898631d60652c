import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app.js';
import { TokenAuth } from '../../auth/TokenAuth.js';
import { HooklineError } from '../../errors.js';
import type { BusinessRow, SvixRecord, WebhookRow } from '../../store/Store.js';

/** What Svix knows of an application beyond its business (migration 0009). */
export interface AppFields {
  name: string;
  metadata: Record<string, string>;
  /** Set when the application was deleted through Svix's API; its business stays. */
  deleted?: boolean;
}

export interface ResolvedApp {
  business: BusinessRow;
  record: SvixRecord | null;
  fields: AppFields;
}

/** Applications' records share one scope: their uids are unique across the server. */
export const APP_SCOPE = '';

export function appFieldsOf(business: BusinessRow, record: SvixRecord | null): AppFields {
  const stored = record ? (JSON.parse(record.body) as Partial<AppFields>) : {};
  return { name: stored.name ?? business.name, metadata: stored.metadata ?? {}, ...(stored.deleted ? { deleted: true } : {}) };
}

/**
 * The application `appId` names, by business id or by uid, if the request's token reaches
 * it; anything else is the same 404, so a business token learns nothing of other businesses.
 */
export async function resolveApp(ctx: AppContext, request: FastifyRequest, appId: string): Promise<ResolvedApp> {
  const { store } = ctx;
  let business = await store.getBusiness(appId);
  let record: SvixRecord | null = null;
  if (business) {
    [record = null] = await store.getSvixRecords('app', APP_SCOPE, [business.id]);
  } else {
    record = await store.findSvixRecordByUid('app', APP_SCOPE, appId);
    business = record ? await store.getBusiness(record.id) : null;
  }
  const fields = business ? appFieldsOf(business, record) : null;
  if (!business || !fields || fields.deleted || !request.principal || !TokenAuth.reaches(request.principal, business.id)) {
    throw new HooklineError('APPLICATION_NOT_FOUND', `No application "${appId}" (by id or uid) is reachable with this token.`);
  }
  return { business, record, fields };
}

/** What Svix knows of an endpoint beyond its webhook (migration 0009). */
export interface EndpointFields {
  description: string;
  metadata: Record<string, string>;
  channels: string[] | null;
}

export interface ResolvedEndpoint {
  webhook: WebhookRow;
  record: SvixRecord | null;
  fields: EndpointFields;
}

export function endpointFieldsOf(record: SvixRecord | null): EndpointFields {
  const stored = record ? (JSON.parse(record.body) as Partial<EndpointFields>) : {};
  return { description: stored.description ?? '', metadata: stored.metadata ?? {}, channels: stored.channels ?? null };
}

/** The endpoint of `businessId` that `endpointId` names, by webhook id or by uid. */
export async function resolveEndpoint(ctx: AppContext, businessId: string, endpointId: string): Promise<ResolvedEndpoint> {
  const { store } = ctx;
  let webhook = await store.getWebhook(businessId, endpointId);
  let record: SvixRecord | null = null;
  if (webhook) {
    [record = null] = await store.getSvixRecords('endpoint', businessId, [webhook.id]);
  } else {
    record = await store.findSvixRecordByUid('endpoint', businessId, endpointId);
    webhook = record ? await store.getWebhook(businessId, record.id) : null;
  }
  if (!webhook) throw new HooklineError('WEBHOOK_NOT_FOUND', `No endpoint "${endpointId}" (by id or uid) in application "${businessId}".`);
  return { webhook, record, fields: endpointFieldsOf(record) };
}
