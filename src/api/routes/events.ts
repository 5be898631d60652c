import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app.js';
import { HooklineError } from '../../errors.js';
import type { PublishResult } from '../../store/Store.js';
import { iso, presentEvent } from '../present.js';
import { publishRequest } from '../publishRequest.js';

const asIs = (payload: unknown): string => payload as string;
import { BusinessParams, Event, ItemParams, PublishBatch, PublishEvent, problemResponses } from '../schemas.js';

/** A batch of 1000 events of ~1 KiB each, with room for JSON overhead. */
const BATCH_BODY_LIMIT = 8 * 1024 * 1024;

const receiptFields = {
  deliveries: Type.Integer({ description: 'Deliveries created (0 for a repeated id).' }),
  duplicate: Type.Boolean({ description: 'True when an event with this id existed; nothing new was created.' }),
};
const Accepted = Type.Object({ ...Event.properties, ...receiptFields });
const { data: _data, ...eventWithoutData } = Event.properties;
/**
 * One event of an accepted batch: the event without its `data`, which the caller has just
 * sent. Echoing it doubled the bytes of a batch on the wire, and writing and reading the
 * 1 MB answer to a batch of 1,000 1 KB events cost the server about a tenth of its CPU per
 * delivery in the throughput benchmark and the publisher a fifth of its own (docs/api.md).
 */
const BatchReceipt = Type.Object({ ...eventWithoutData, ...receiptFields });

/**
 * The 202 body of `Accepted` (or, without `data`, of `BatchReceipt`), written by hand around
 * the stored data text: the event's data is already JSON (stored as JSON.stringify of what was
 * sent), and parsing it only for the response serializer to stringify it again was, at 1 KB an
 * event, the largest single cost of answering (8 % of the main thread in the throughput
 * profile). Same fields, same order as the schemas, which stay on the routes for the docs.
 */
function acceptedJson(r: PublishResult, withData: boolean): string {
  const e = r.event;
  return (
    `{"id":${JSON.stringify(e.id)},"business":${JSON.stringify(e.business_id)},"type":${JSON.stringify(e.type)},` +
    (withData ? `"data":${e.data},` : '') +
    `"occurred_at":"${iso(e.occurred_at)}","created_at":"${iso(e.created_at)}",` +
    `"deliveries":${r.deliveries.length},"duplicate":${!r.created}}`
  );
}

export const eventRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    const tags = ['events'];

    app.post<{ Params: { b: string }; Body: PublishEvent }>(
      '/v1/businesses/:b/events',
      {
        schema: {
          operationId: 'publishEvent',
          tags,
          summary: 'Publish an event (202 once stored; a repeated id is idempotent)',
          params: BusinessParams,
          body: PublishEvent,
          response: { 202: Accepted, ...problemResponses },
        },
      },
      async (req, reply) => {
        const [result] = await ctx.publisher.publish(req.params.b, [req.body], '', publishRequest(req, reply));
        return reply.code(202).type('application/json; charset=utf-8').serializer(asIs).send(acceptedJson(result!, true));
      },
    );

    app.post<{ Params: { b: string }; Body: PublishBatch }>(
      '/v1/businesses/:b/events/batch',
      {
        bodyLimit: BATCH_BODY_LIMIT,
        schema: {
          operationId: 'publishEventBatch',
          tags,
          summary: 'Publish up to 1000 events in one transaction: all are stored or none',
          params: BusinessParams,
          body: PublishBatch,
          response: { 202: Type.Object({ data: Type.Array(BatchReceipt) }), ...problemResponses },
        },
      },
      async (req, reply) => {
        const results = await ctx.publisher.publish(req.params.b, req.body.events, '/events', publishRequest(req, reply));
        return reply.code(202).type('application/json; charset=utf-8').serializer(asIs).send(`{"data":[${results.map((r) => acceptedJson(r, false)).join(',')}]}`);
      },
    );

    app.get<{ Params: { b: string; id: string } }>(
      '/v1/businesses/:b/events/:id',
      { schema: { operationId: 'getEvent', tags, summary: 'Read an event', params: ItemParams, response: { 200: Event, ...problemResponses } } },
      async (req) => {
        const event = await ctx.store.getEvent(req.params.b, req.params.id);
        if (!event) throw new HooklineError('EVENT_NOT_FOUND', `No event "${req.params.id}" in business "${req.params.b}".`);
        return presentEvent(event);
      },
    );
  };
