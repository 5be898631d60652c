import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app.js';
import { HooklineError } from '../../errors.js';
import type { SvixRecord, WebhookRow } from '../../store/Store.js';
import type { WebhookChanges } from '../../webhooks/WebhooksService.js';
import { endpointFieldsOf, resolveApp, resolveEndpoint, type EndpointFields } from './access.js';
import { filtersOf, rateOf } from './endpointInput.js';
import { ListQuery, svixPage } from './pagination.js';
import { presentEndpoint } from './present.js';
import { AppParams, EndpointIn, EndpointParams, EndpointPatch, EndpointUpdate } from './schemas.js';
import { Type } from '@sinclair/typebox';
import { SvixEndpointOut, listOf, svixErrors } from './responses.js';

const tags = ['svix endpoints'];
/** Svix's endpoints speak Svix's wire format (src/dialects/svix.ts). */
const SVIX_DIALECT = 'svix';

/**
 * Endpoints are webhooks, changed only through the webhooks service; what Svix knows of them
 * beyond a webhook (uid, description, metadata, channels) is their Svix record.
 */
export function endpointRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { store, webhooks } = ctx;

  async function writeRecord(businessId: string, webhook: WebhookRow, uid: string | null, fields: EndpointFields, current: SvixRecord | null): Promise<boolean> {
    const now = Date.now();
    return store.putSvixRecord({
      kind: 'endpoint', scope: businessId, id: webhook.id, uid, body: JSON.stringify(fields), created_at: current?.created_at ?? now, updated_at: now,
    });
  }

  const uidTaken = (uid: string | null | undefined) =>
    new HooklineError('UID_TAKEN', `Another endpoint of this application has the uid "${uid}"; choose another, or address that one by it.`);

  app.get<{ Params: AppParams; Querystring: ListQuery }>(
    '/app/:app_id/endpoint',
    { schema: { tags, operationId: 'svixListEndpoints', response: { 200: listOf(SvixEndpointOut, 'SvixListResponseEndpointOut'), ...svixErrors }, summary: "List an application's endpoints", params: AppParams, querystring: ListQuery } },
    async (req) => {
      const { business } = await resolveApp(ctx, req, req.params.app_id);
      const page = await store.listWebhooks(business.id, { cursor: req.query.iterator, limit: req.query.limit ?? 50 });
      const records = new Map((await store.getSvixRecords('endpoint', business.id, page.data.map((w) => w.id))).map((r) => [r.id, r]));
      const data = page.data.map((w) => presentEndpoint(w, records.get(w.id)?.uid ?? null, endpointFieldsOf(records.get(w.id) ?? null)));
      return svixPage(data, page.next_cursor);
    },
  );

  app.post<{ Params: AppParams; Body: EndpointIn }>(
    '/app/:app_id/endpoint',
    { schema: { tags, operationId: 'svixCreateEndpoint', response: { 201: SvixEndpointOut, ...svixErrors }, summary: 'Create an endpoint (a webhook in the svix dialect)', params: AppParams, body: EndpointIn } },
    async (req, reply) => {
      const { business } = await resolveApp(ctx, req, req.params.app_id);
      const body = req.body;
      const uid = body.uid ?? null;
      if (uid !== null && (await store.findSvixRecordByUid('endpoint', business.id, uid))) throw uidTaken(uid);
      const webhook = await webhooks.create(business.id, {
        url: body.url,
        events: filtersOf(body),
        dialect: SVIX_DIALECT,
        name: body.description || undefined,
        enabled: body.disabled === undefined ? undefined : !body.disabled,
        headers: body.headers ?? undefined,
        rate_limit: rateOf(body) ?? undefined,
        secret: body.secret ?? undefined,
        channels: body.channels ?? undefined,
      });
      const fields: EndpointFields = { description: body.description ?? '', metadata: body.metadata ?? {}, channels: body.channels ?? null };
      if (!(await writeRecord(business.id, webhook, uid, fields, null))) {
        // Another request took the uid between the check and here: undo the webhook.
        await webhooks.remove(business.id, webhook.id);
        throw uidTaken(uid);
      }
      return reply.code(201).send(presentEndpoint(webhook, uid, fields));
    },
  );

  app.get<{ Params: EndpointParams }>(
    '/app/:app_id/endpoint/:endpoint_id',
    { schema: { tags, operationId: 'svixGetEndpoint', response: { 200: SvixEndpointOut, ...svixErrors }, summary: 'Read an endpoint by id or uid', params: EndpointParams } },
    async (req) => {
      const { business } = await resolveApp(ctx, req, req.params.app_id);
      const ep = await resolveEndpoint(ctx, business.id, req.params.endpoint_id);
      return presentEndpoint(ep.webhook, ep.record?.uid ?? null, ep.fields);
    },
  );

  /** PUT replaces every Svix field (absent ones take their defaults); PATCH changes what it is given. */
  const change = async (req: FastifyRequest<{ Params: EndpointParams; Body: EndpointPatch }>, replace: boolean) => {
    const { business } = await resolveApp(ctx, req, req.params.app_id);
    const ep = await resolveEndpoint(ctx, business.id, req.params.endpoint_id);
    const body = req.body;
    const uid = body.uid !== undefined ? body.uid : replace ? null : (ep.record?.uid ?? null);
    if (uid !== null && uid !== ep.record?.uid) {
      const holder = await store.findSvixRecordByUid('endpoint', business.id, uid);
      if (holder && holder.id !== ep.webhook.id) throw uidTaken(uid);
    }
    const changes: WebhookChanges = {};
    if (body.url !== undefined) changes.url = body.url;
    if (replace || body.eventTypes !== undefined || body.filterTypes !== undefined) changes.events = filtersOf(body);
    if (replace || body.disabled !== undefined) changes.enabled = !(body.disabled ?? false);
    const rate = rateOf(body);
    if (replace || rate !== undefined) changes.rate_limit = rate ?? null;
    if (body.description) changes.name = body.description;
    if (replace || body.channels !== undefined) changes.channels = body.channels ?? null;
    let webhook = await webhooks.update(business.id, ep.webhook.id, changes);
    if (body.secret) webhook = await webhooks.rotateSecret(business.id, ep.webhook.id, body.secret);
    const fields: EndpointFields = {
      description: body.description ?? (replace ? '' : ep.fields.description),
      metadata: body.metadata ?? (replace ? {} : ep.fields.metadata),
      channels: body.channels !== undefined ? body.channels : replace ? null : ep.fields.channels,
    };
    if (!(await writeRecord(business.id, webhook, uid, fields, ep.record))) throw uidTaken(uid);
    return presentEndpoint(webhook, uid, fields);
  };
  app.put<{ Params: EndpointParams; Body: EndpointUpdate }>(
    '/app/:app_id/endpoint/:endpoint_id',
    { schema: { tags, operationId: 'svixUpdateEndpoint', response: { 200: SvixEndpointOut, ...svixErrors }, summary: 'Replace an endpoint', params: EndpointParams, body: EndpointUpdate } },
    (req) => change(req, true),
  );
  app.patch<{ Params: EndpointParams; Body: EndpointPatch }>(
    '/app/:app_id/endpoint/:endpoint_id',
    { schema: { tags, operationId: 'svixPatchEndpoint', response: { 200: SvixEndpointOut, ...svixErrors }, summary: 'Change some of an endpoint’s fields', params: EndpointParams, body: EndpointPatch } },
    (req) => change(req, false),
  );

  app.delete<{ Params: EndpointParams }>(
    '/app/:app_id/endpoint/:endpoint_id',
    { schema: { tags, operationId: 'svixDeleteEndpoint', response: { 204: Type.Null({ description: 'Deleted' }), ...svixErrors }, summary: 'Delete an endpoint; its delivery log stays', params: EndpointParams } },
    async (req, reply) => {
      const { business } = await resolveApp(ctx, req, req.params.app_id);
      const ep = await resolveEndpoint(ctx, business.id, req.params.endpoint_id);
      await webhooks.remove(business.id, ep.webhook.id);
      await store.deleteSvixRecord('endpoint', business.id, ep.webhook.id);
      return reply.code(204).send();
    },
  );
}
