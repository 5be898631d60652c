import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app.js';
import { HooklineError } from '../../errors.js';
import type { PublishResult } from '../../store/Store.js';
import { presentEvent } from '../present.js';
import { BusinessParams, Event, ItemParams, PublishBatch, PublishEvent, problemResponses } from '../schemas.js';

/** A batch of 1000 events of ~1 KiB each, with room for JSON overhead. */
const BATCH_BODY_LIMIT = 8 * 1024 * 1024;

const Accepted = Type.Object({
  ...Event.properties,
  deliveries: Type.Integer({ description: 'Deliveries created (0 for a repeated id).' }),
  duplicate: Type.Boolean({ description: 'True when an event with this id existed; nothing new was created.' }),
});

/**
 * A new event's data is what the request sent (stored as JSON.stringify of it), so it is echoed
 * from the parsed request instead of parsed again from the stored text: at 1 KB an event that
 * parse was a few per cent of the ingest path. A duplicate shows what was stored first.
 */
function accepted(r: PublishResult, input: { data?: unknown }) {
  const event = presentEvent(r.event, r.created ? (input.data ?? {}) : undefined);
  return { ...event, deliveries: r.deliveries.length, duplicate: !r.created };
}

export const eventRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    const tags = ['events'];

    app.post<{ Params: { b: string }; Body: PublishEvent }>(
      '/v1/businesses/:b/events',
      {
        schema: {
          tags,
          summary: 'Publish an event (202 once stored; a repeated id is idempotent)',
          params: BusinessParams,
          body: PublishEvent,
          response: { 202: Accepted, ...problemResponses },
        },
      },
      async (req, reply) => {
        const [result] = await ctx.publisher.publish(req.params.b, [req.body]);
        return reply.code(202).send(accepted(result!, req.body));
      },
    );

    app.post<{ Params: { b: string }; Body: PublishBatch }>(
      '/v1/businesses/:b/events/batch',
      {
        bodyLimit: BATCH_BODY_LIMIT,
        schema: {
          tags,
          summary: 'Publish up to 1000 events in one transaction: all are stored or none',
          params: BusinessParams,
          body: PublishBatch,
          response: { 202: Type.Object({ data: Type.Array(Accepted) }), ...problemResponses },
        },
      },
      async (req, reply) => {
        const results = await ctx.publisher.publish(req.params.b, req.body.events, '/events');
        return reply.code(202).send({ data: results.map((r, i) => accepted(r, req.body.events[i]!)) });
      },
    );

    app.get<{ Params: { b: string; id: string } }>(
      '/v1/businesses/:b/events/:id',
      { schema: { tags, summary: 'Read an event', params: ItemParams, response: { 200: Event, ...problemResponses } } },
      async (req) => {
        const event = await ctx.store.getEvent(req.params.b, req.params.id);
        if (!event) throw new HooklineError('EVENT_NOT_FOUND', `No event "${req.params.id}" in business "${req.params.b}".`);
        return presentEvent(event);
      },
    );
  };
