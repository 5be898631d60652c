import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../../app.js';
import type { Principal } from '../../auth/TokenAuth.js';
import type { WebhookRow } from '../../store/Store.js';
import { splitType } from '../../dialects/Vocabulary.js';
import { vcitaAction, vcitaCatalogType, vcitaEntity, vcitaNames } from '../../dialects/vcitaNames.js';
import { toHooklineError } from '../problem.js';
import { HooklineError } from '../../errors.js';

/*
 * The subscription API of seed 003 (vcita), served as vcita serves it so that its integrators'
 * code works unchanged: its paths, its bodies, its status codes, and never problem+json. Each
 * subscription is an ordinary Hookline webhook with dialect `vcita` and one event. Auth is
 * done here rather than by the API's hook, because even a 401 must be in vcita's shape.
 */

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const DIALECT = 'vcita';

const VcitaError = Type.Object({ status: Type.Literal('Error'), error: Type.String() });
const NotSubscribed = Type.Object({ response: Type.Literal('Not Subscribed') });
const Business = {
  business: Type.Optional(Type.String({ description: 'Directory (admin) token only: the business to act for.' })),
  business_id: Type.Optional(Type.String({ description: 'Same as `business`.' })),
};
const SubscribeBody = Type.Object({
  event: Type.String({ maxLength: 200, description: '`entity/event_type`, e.g. client/created; vcita aliases accepted.' }),
  target_url: Type.String({ maxLength: 2048 }),
  ...Business,
});
const UnsubscribeBody = Type.Object({
  target_url: Type.String({ maxLength: 2048, description: 'Exact URL of the subscriptions to remove.' }),
  event: Type.Optional(Type.String({ maxLength: 200, description: 'Only this event; without it every subscription of the URL goes.' })),
  ...Business,
});
const ListQuery = Type.Object({
  'filter[entity]': Type.Optional(Type.String()),
  'filter[event_type]': Type.Optional(Type.String()),
  ...Business,
});
const Subscription = Type.Object({ id: Type.String(), entity: Type.String(), event_type: Type.String(), url: Type.String() });

type Body = Partial<Static<typeof UnsubscribeBody>> & Record<string, unknown>;

const notSubscribed = (reply: FastifyReply, why: string) =>
  // The body is fixed by vcita; the reason goes in a header so that it is not lost.
  reply.code(500).header('x-hookline-detail', why.replace(/[^\x20-\x7e]+/g, ' ').slice(0, 300)).send({ response: 'Not Subscribed' });
const vcitaError = (reply: FastifyReply, status: number, error: string) => reply.code(status).send({ status: 'Error', error });

export const vcitaRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    const tags = ['vcita'];
    const onRequest = async (req: FastifyRequest, reply: FastifyReply) => {
      const match = BEARER.exec(req.headers.authorization ?? '');
      req.principal = match ? await ctx.auth.resolve(match[1]!) : null;
      if (!req.principal) return vcitaError(reply.header('www-authenticate', 'Bearer'), 401, 'Unauthorized');
    };
    /** The business a call acts for: a staff token's own, or the one a directory token names. */
    const businessFor = async (req: FastifyRequest, given: Body): Promise<string | null> => {
      const p = req.principal as Principal;
      const onBehalf = req.headers['x-on-behalf-of'];
      const named = given.business ?? given.business_id ?? (typeof onBehalf === 'string' ? onBehalf : undefined);
      if (p.kind === 'business') return named === undefined || named === p.businessId ? p.businessId : null;
      if (!named) return null;
      return (await ctx.store.getBusiness(named)) ? named : null;
    };
    const vcitaWebhooks = async (business: string): Promise<WebhookRow[]> =>
      (await ctx.store.webhooksOfBusiness(business)).filter((w) => w.dialect === DIALECT);

    app.post<{ Body: Body }>(
      '/platform/v1/webhook/subscribe',
      {
        config: { auth: false },
        attachValidation: true,
        onRequest,
        errorHandler: (err, req, reply) => {
          const error = toHooklineError(err);
          if (error.status >= 500) req.log.error({ err }, 'vcita subscribe failed');
          return notSubscribed(reply, error.message);
        },
        schema: {
          operationId: 'vcitaSubscribe',
          tags,
          summary: 'Subscribe a URL to one vcita event (seed 003)',
          body: SubscribeBody,
          response: {
            201: Type.Object({ status: Type.Literal('OK'), data: Type.Object({ subscription_id: Type.String() }) }),
            401: VcitaError,
            422: VcitaError,
            500: NotSubscribed,
          },
        },
      },
      async (req, reply) => {
        const body = req.body ?? {};
        if (req.validationError) return notSubscribed(reply, req.validationError.message);
        const event = String(body.event).trim();
        const type = vcitaCatalogType(event);
        if (!type || !ctx.catalog.has(type)) return notSubscribed(reply, `"${event}" is not a vcita entity/event_type`);
        const url = ctx.webhooks.targetUrl(String(body.target_url));
        const business = await businessFor(req, body);
        if (!business) return notSubscribed(reply, 'no business: a directory token must name one with "business"');
        const existing = await vcitaWebhooks(business);
        if (existing.some((w) => w.url === url && w.events.includes(type))) return vcitaError(reply, 422, 'Webhook already exists');
        try {
          const row = await ctx.webhooks.create(business, { name: `vcita ${event}`, url, events: [type], dialect: DIALECT });
          return reply.code(201).send({ status: 'OK', data: { subscription_id: row.id } });
        } catch (err) {
          // vcita's shape for a subscription it will not make (as for a duplicate), so its clients read it.
          if (err instanceof HooklineError && err.code === 'LIMIT_EXCEEDED') return vcitaError(reply, 422, err.message);
          throw err;
        }
      },
    );

    app.post<{ Body: Body }>(
      '/platform/v1/webhook/unsubscribe',
      {
        config: { auth: false },
        attachValidation: true,
        onRequest,
        errorHandler: (err, req, reply) => {
          const error = toHooklineError(err);
          if (error.status >= 500) {
            req.log.error({ err }, 'vcita unsubscribe failed');
            return vcitaError(reply, 500, 'Not Unsubscribed');
          }
          return vcitaError(reply, 422, error.message);
        },
        schema: {
          operationId: 'vcitaUnsubscribe',
          tags,
          summary: 'Remove subscriptions of a URL, of one event or of all (seed 003)',
          body: UnsubscribeBody,
          response: {
            200: Type.Object({ status: Type.Literal('OK'), data: Type.Object({ unsubscribed: Type.Boolean() }) }),
            401: VcitaError,
            404: VcitaError,
            422: VcitaError,
            500: VcitaError,
          },
        },
      },
      async (req, reply) => {
        const body = req.body ?? {};
        if (req.validationError) return vcitaError(reply, 422, `target_url is required (${req.validationError.message})`);
        const type = body.event === undefined ? null : vcitaCatalogType(body.event.trim());
        if (body.event !== undefined && !type) return vcitaError(reply, 422, `"${body.event}" is not a vcita entity/event_type`);
        const business = await businessFor(req, body);
        if (!business) return noBusiness(req, reply, body);
        const target = sameUrl(String(body.target_url));
        let removed = 0;
        for (const w of await vcitaWebhooks(business)) {
          if (!target(w.url) || (type !== null && !w.events.includes(type))) continue;
          try {
            await ctx.webhooks.dropEvents(business, w.id, type === null ? w.events : [type]);
          } catch (err) {
            // Removed by another request since it was listed: unsubscribed all the same.
            if (!(err instanceof HooklineError && err.code === 'WEBHOOK_NOT_FOUND')) throw err;
          }
          removed++;
        }
        return reply.code(200).send({ status: 'OK', data: { unsubscribed: removed > 0 } });
      },
    );

    app.get<{ Querystring: Static<typeof ListQuery> }>(
      '/platform/v1/webhooks',
      {
        config: { auth: false },
        onRequest,
        errorHandler: (err, req, reply) => {
          const error = toHooklineError(err);
          // A query the schema refuses (a filter given twice arrives as a list) is the caller's to fix.
          if (error.status < 500) return vcitaError(reply, 422, error.message);
          req.log.error({ err }, 'vcita webhook list failed');
          return vcitaError(reply, 500, 'Could not list webhooks');
        },
        schema: {
          operationId: 'vcitaListWebhooks',
          tags,
          summary: 'List vcita subscriptions, filtered by entity and event type (seed 003)',
          querystring: ListQuery,
          response: {
            200: Type.Object({
              response: Type.Object({ success: Type.Literal('ok'), data: Type.Object({ subscriptions: Type.Array(Subscription) }) }),
            }),
            401: VcitaError,
            404: VcitaError,
            422: VcitaError,
          },
        },
      },
      async (req, reply) => {
        const q = req.query;
        const named = q.business ?? q.business_id;
        let businesses: string[];
        if (req.principal?.kind === 'admin' && !named && typeof req.headers['x-on-behalf-of'] !== 'string') {
          businesses = (await ctx.store.listBusinesses()).map((b) => b.id);
        } else {
          const one = await businessFor(req, q);
          if (!one) return noBusiness(req, reply, q);
          businesses = [one];
        }
        const entity = q['filter[entity]'] === undefined ? null : vcitaEntity(q['filter[entity]']);
        const action = q['filter[event_type]'] === undefined ? null : vcitaAction(q['filter[event_type]']);
        const subscriptions: Static<typeof Subscription>[] = [];
        for (const b of businesses) {
          for (const w of await vcitaWebhooks(b)) {
            for (const type of w.events) {
              const [e, a] = splitType(type);
              if ((entity !== null && e !== entity) || (action !== null && a !== action)) continue;
              const [entityName, eventType] = splitType(vcitaNames.nameOf(type) ?? type);
              subscriptions.push({ id: w.id, entity: entityName, event_type: eventType, url: w.url });
            }
          }
        }
        return { response: { success: 'ok' as const, data: { subscriptions } } };
      },
    );
  };

/** A directory token that names no business is a caller error; naming one it cannot reach is a 404. */
function noBusiness(req: FastifyRequest, reply: FastifyReply, given: Body): FastifyReply {
  const named = given.business ?? given.business_id ?? req.headers['x-on-behalf-of'];
  if (req.principal?.kind === 'admin' && named === undefined) {
    return vcitaError(reply, 422, 'A directory token must name the business: "business" in the body or the x-on-behalf-of header');
  }
  return vcitaError(reply, 404, 'Business not found');
}

/** vcita matches `target_url` exactly; Hookline stored it normalised, so either spelling matches. */
function sameUrl(given: string): (stored: string) => boolean {
  let normalised = given;
  try {
    normalised = new URL(given).toString();
  } catch {
    /* not a URL: only the exact text can match */
  }
  return (stored) => stored === given || stored === normalised;
}
