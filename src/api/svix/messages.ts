import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app.js';
import { HooklineError } from '../../errors.js';
import { catalogTypeOfSvixName } from '../../dialects/svixNames.js';
import { resolveApp, resolveEndpoint } from './access.js';
import { invalidField } from './svixErrors.js';
import { ListQuery, svixPage } from './pagination.js';
import { presentMessage } from './present.js';
import { AppParams, MessageIn, MessageParams } from './schemas.js';
import { Type, type Static } from '@sinclair/typebox';
import { SvixEmpty, SvixMessageOut, listOf, svixErrors } from './responses.js';
import { publishRequest } from '../publishRequest.js';

const tags = ['svix messages'];
const ResendParams = Type.Object({ ...MessageParams.properties, endpoint_id: Type.String({ minLength: 1, maxLength: 256 }) });
type ResendParams = Static<typeof ResendParams>;
const MessageQuery = Type.Object({ ...ListQuery.properties, with_content: Type.Optional(Type.Boolean()) });
type MessageQuery = Static<typeof MessageQuery>;

interface MessageFields {
  channels: string[] | null;
}

/** The publisher names the event's fields (`/data/…`, `/id`); Svix's caller sent `payload` and `eventId`. */
const SVIX_POINTERS: [RegExp, string][] = [[/^\/data(?=\/|$)/, '/body/payload'], [/^\/id$/, '/body/eventId'], [/^\/type$/, '/body/eventType']];

function inSvixNames(err: unknown): unknown {
  if (!(err instanceof HooklineError) || !Array.isArray(err.extensions.errors)) return err;
  const errors = (err.extensions.errors as { pointer: string; message: string }[]).map((e) => ({
    ...e,
    pointer: SVIX_POINTERS.reduce((p, [from, to]) => p.replace(from, to), e.pointer),
  }));
  return new HooklineError(err.code, err.message, { ...err.extensions, errors });
}

/**
 * Messages are events, published through the Publisher like any other. Each also gets a Svix
 * record (its channels, and the order Svix's list walks), one more row per message.
 */
export function messageRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { store } = ctx;

  app.post<{ Params: AppParams; Body: MessageIn }>(
    '/app/:app_id/msg',
    { schema: { tags, operationId: 'svixCreateMessage', response: { 202: SvixMessageOut, ...svixErrors }, summary: 'Send a message (publish an event) to the endpoints that want its type', params: AppParams, body: MessageIn } },
    async (req, reply) => {
      const { business } = await resolveApp(ctx, req, req.params.app_id);
      const { eventType, payload, eventId, channels = null } = req.body;
      const type = catalogTypeOfSvixName(eventType);
      if (!type || !ctx.catalog.has(type)) {
        throw invalidField(['body', 'eventType'], `"${eventType}" is not a known event type; create it first with POST /api/v1/event-type (GET /api/v1/event-type lists them)`);
      }
      const [result] = await ctx.publisher.publish(business.id, [{ type, data: payload, id: eventId ?? undefined, channels }], '', publishRequest(req, reply)).catch((err: unknown) => {
        throw inSvixNames(err);
      });
      const event = result!.event;
      if (!result!.created) {
        // As Svix does: the repeat stores and sends nothing, and the caller hears so.
        throw new HooklineError('MESSAGE_EXISTS', `A message with eventId "${event.id}" was already sent to this application; nothing new was stored or sent.`);
      }
      const fields: MessageFields = { channels };
      await store.putSvixRecord({ kind: 'message', scope: business.id, id: event.id, uid: null, body: JSON.stringify(fields), created_at: event.created_at, updated_at: event.created_at });
      return reply.code(202).send(presentMessage(event, channels));
    },
  );

  app.get<{ Params: AppParams; Querystring: MessageQuery }>(
    '/app/:app_id/msg',
    { schema: { tags, operationId: 'svixListMessages', response: { 200: listOf(SvixMessageOut, 'SvixListResponseMessageOut'), ...svixErrors }, summary: 'Messages sent through this API, newest first', params: AppParams, querystring: MessageQuery } },
    async (req) => {
      const { business } = await resolveApp(ctx, req, req.params.app_id);
      const page = await store.listSvixRecords('message', business.id, { cursor: req.query.iterator, limit: req.query.limit ?? 50 });
      const data = [];
      for (const record of page.data) {
        const event = await store.getEvent(business.id, record.id);
        // Retention may have purged the event; its record goes with the next sweep.
        if (event) data.push(presentMessage(event, (JSON.parse(record.body) as MessageFields).channels, req.query.with_content !== false));
      }
      return svixPage(data, page.next_cursor);
    },
  );

  app.get<{ Params: MessageParams }>(
    '/app/:app_id/msg/:msg_id',
    { schema: { tags, operationId: 'svixGetMessage', response: { 200: SvixMessageOut, ...svixErrors }, summary: 'Read a message by id or eventId (they are one id here)', params: MessageParams } },
    async (req) => {
      const { business } = await resolveApp(ctx, req, req.params.app_id);
      const event = await store.getEvent(business.id, req.params.msg_id);
      if (!event) throw new HooklineError('EVENT_NOT_FOUND', `No message "${req.params.msg_id}" in application "${business.id}".`);
      const [record] = await store.getSvixRecords('message', business.id, [event.id]);
      return presentMessage(event, record ? (JSON.parse(record.body) as MessageFields).channels : null);
    },
  );

  app.post<{ Params: ResendParams }>(
    '/app/:app_id/msg/:msg_id/endpoint/:endpoint_id/resend',
    { schema: { tags, operationId: 'svixResendMessage', response: { 202: SvixEmpty, ...svixErrors }, summary: 'Send a message to one endpoint again, now', params: ResendParams } },
    async (req, reply) => {
      const { business } = await resolveApp(ctx, req, req.params.app_id);
      const { webhook } = await resolveEndpoint(ctx, business.id, req.params.endpoint_id);
      const page = await store.listDeliveries(business.id, { event_id: req.params.msg_id, webhook_id: webhook.id }, { limit: 1 });
      const delivery = page.data[0];
      if (!delivery) {
        throw new HooklineError('DELIVERY_NOT_FOUND', `Message "${req.params.msg_id}" was never sent to endpoint "${webhook.id}", so there is nothing to send again.`);
      }
      await store.retryDelivery(business.id, delivery.id, Date.now());
      ctx.dispatcher.wake();
      // The SDK parses the answer as JSON, even this empty one.
      return reply.code(202).send({});
    },
  );
}
