import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ulid } from 'ulidx';
import type { AppContext } from '../../app.js';
import { HooklineError } from '../../errors.js';
import type { BusinessRow, SvixRecord } from '../../store/Store.js';
import { APP_SCOPE, appFieldsOf, resolveApp, type AppFields } from './access.js';
import { ListQuery, pageOf } from './pagination.js';
import { presentApp } from './present.js';
import { AppParams, ApplicationIn, ApplicationPatch } from './schemas.js';
import { SvixApplicationOut, listOf, svixErrors } from './responses.js';

const tags = ['svix applications'];

/**
 * Applications are businesses. One created here gets a generated id (`app_…`, which is also
 * its business id for /v1); its uid, name and metadata are kept in its Svix record.
 */
export function applicationRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { store } = ctx;

  async function writeRecord(business: BusinessRow, uid: string | null, fields: AppFields, created?: SvixRecord | null): Promise<void> {
    // An application is addressed by id or uid, ids first: a uid that is another business's id could never be reached.
    if (uid !== null && uid !== business.id && (await store.getBusiness(uid))) {
      throw new HooklineError('UID_TAKEN', `"${uid}" is the id of another application (business); choose another uid.`);
    }
    const now = Date.now();
    const ok = await store.putSvixRecord({
      kind: 'app', scope: APP_SCOPE, id: business.id, uid, body: JSON.stringify(fields), created_at: created?.created_at ?? now, updated_at: now,
    });
    if (!ok) throw new HooklineError('UID_TAKEN', `Another application has the uid "${uid}"; choose another, or address that one by it.`);
  }

  app.post<{ Body: ApplicationIn; Querystring: { get_if_exists?: boolean } }>(
    '/app',
    {
      config: { adminOnly: true },
      schema: {
        tags, operationId: 'svixCreateApplication', response: { 200: SvixApplicationOut, 201: SvixApplicationOut, ...svixErrors }, summary: 'Create an application (a business); admin token',
        querystring: Type.Object({ get_if_exists: Type.Optional(Type.Boolean()) }),
        body: ApplicationIn,
      },
    },
    async (req, reply) => {
      const { name, uid = null, metadata = {} } = req.body;
      if (uid !== null) {
        const existing = await store.findSvixRecordByUid('app', APP_SCOPE, uid);
        if (existing) {
          if (!req.query.get_if_exists) throw new HooklineError('APPLICATION_EXISTS', `An application with uid "${uid}" exists (${existing.id}); pass get_if_exists=true to get it instead.`);
          return reply.code(200).send(presentApp(await resolveApp(ctx, req, existing.id)));
        }
      }
      // Checked before the business is created, so a refused uid leaves nothing behind.
      if (uid !== null && (await store.getBusiness(uid))) {
        throw new HooklineError('UID_TAKEN', `"${uid}" is the id of another application (business); choose another uid.`);
      }
      const business = await store.createBusiness({ id: `app_${ulid()}`, name, created_at: Date.now() });
      await writeRecord(business, uid, { name, metadata });
      return reply.code(201).send(presentApp(await resolveApp(ctx, req, business.id)));
    },
  );

  app.get<{ Querystring: ListQuery }>(
    '/app',
    { schema: { tags, operationId: 'svixListApplications', response: { 200: listOf(SvixApplicationOut, 'SvixListResponseApplicationOut'), ...svixErrors }, summary: 'List the applications this token reaches', querystring: ListQuery } },
    async (req) => {
      const principal = req.principal!;
      const businesses = principal.kind === 'admin' ? await store.listBusinesses() : [await store.getBusiness(principal.businessId)].filter((b) => b !== null);
      const records = new Map((await store.getSvixRecords('app', APP_SCOPE, businesses.map((b) => b.id))).map((r) => [r.id, r]));
      const apps = businesses
        .map((business) => ({ business, record: records.get(business.id) ?? null }))
        .map((a) => ({ ...a, fields: appFieldsOf(a.business, a.record) }))
        .filter((a) => !a.fields.deleted)
        .sort((a, b) => (a.business.id < b.business.id ? -1 : 1));
      const page = pageOf(apps, (a) => a.business.id, req.query);
      return { ...page, data: page.data.map(presentApp) };
    },
  );

  app.get<{ Params: AppParams }>(
    '/app/:app_id',
    { schema: { tags, operationId: 'svixGetApplication', response: { 200: SvixApplicationOut, ...svixErrors }, summary: 'Read an application by id or uid', params: AppParams } },
    async (req) => presentApp(await resolveApp(ctx, req, req.params.app_id)),
  );

  const change = async (req: FastifyRequest<{ Params: AppParams; Body: ApplicationPatch }>, replace: boolean) => {
    const current = await resolveApp(ctx, req, req.params.app_id);
    const body = req.body;
    const uid = body.uid !== undefined ? body.uid : replace ? null : (current.record?.uid ?? null);
    const fields: AppFields = {
      name: body.name ?? current.fields.name,
      metadata: body.metadata ?? (replace ? {} : current.fields.metadata),
    };
    await writeRecord(current.business, uid, fields, current.record);
    return presentApp(await resolveApp(ctx, req, current.business.id));
  };
  app.put<{ Params: AppParams; Body: ApplicationIn }>(
    '/app/:app_id',
    { schema: { tags, operationId: 'svixUpdateApplication', response: { 200: SvixApplicationOut, ...svixErrors }, summary: 'Replace an application’s name, uid and metadata', params: AppParams, body: ApplicationIn } },
    (req) => change(req, true),
  );
  app.patch<{ Params: AppParams; Body: ApplicationPatch }>(
    '/app/:app_id',
    { schema: { tags, operationId: 'svixPatchApplication', response: { 200: SvixApplicationOut, ...svixErrors }, summary: 'Change some of an application’s fields', params: AppParams, body: ApplicationPatch } },
    (req) => change(req, false),
  );

  app.delete<{ Params: AppParams }>(
    '/app/:app_id',
    {
      config: { adminOnly: true },
      schema: { tags, operationId: 'svixDeleteApplication', response: { 204: Type.Null({ description: 'Deleted' }), ...svixErrors }, summary: 'Delete an application: its endpoints are removed; its business and log stay', params: AppParams },
    },
    async (req, reply) => {
      const current = await resolveApp(ctx, req, req.params.app_id);
      for (const webhook of await store.webhooksOfBusiness(current.business.id)) {
        await ctx.webhooks.remove(current.business.id, webhook.id);
        await store.deleteSvixRecord('endpoint', current.business.id, webhook.id);
      }
      // The uid is freed for a new application; the business is kept, as businesses always are.
      await writeRecord(current.business, null, { ...current.fields, deleted: true }, current.record);
      return reply.code(204).send();
    },
  );
}
