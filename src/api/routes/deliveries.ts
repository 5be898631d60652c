import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app.js';
import { HooklineError } from '../../errors.js';
import { presentDelivery } from '../present.js';
import { BusinessParams, Delivery, DeliveryQuery, ItemParams, RenderedRequestOut, RequestQuery, problemResponses } from '../schemas.js';
import { findDialect } from '../../dialects/index.js';
import { renderMasked } from '../maskedRequest.js';

export const deliveryRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    const tags = ['deliveries'];
    const notFound = (p: { b: string; id: string }) =>
      new HooklineError('DELIVERY_NOT_FOUND', `No delivery "${p.id}" in business "${p.b}".`);

    app.get<{ Params: { b: string }; Querystring: DeliveryQuery }>(
      '/v1/businesses/:b/deliveries',
      {
        schema: {
          operationId: 'listDeliveries',
          tags,
          summary: 'The delivery log, newest first',
          params: BusinessParams,
          querystring: DeliveryQuery,
          response: { 200: Type.Object({ data: Type.Array(Delivery), next_cursor: Type.Union([Type.String(), Type.Null()]) }, { title: 'DeliveryPage' }), ...problemResponses },
        },
      },
      async (req) => {
        const { cursor, limit, ...filter } = req.query;
        const page = await ctx.store.listDeliveries(req.params.b, filter, { cursor, limit: limit ?? 50 });
        return { data: page.data.map(presentDelivery), next_cursor: page.next_cursor };
      },
    );

    app.get<{ Params: { b: string; id: string } }>(
      '/v1/businesses/:b/deliveries/:id',
      { schema: { operationId: 'getDelivery', tags, summary: 'One delivery with every attempt', params: ItemParams, response: { 200: Delivery, ...problemResponses } } },
      async (req) => {
        const d = await ctx.store.getDelivery(req.params.b, req.params.id);
        if (!d) throw notFound(req.params);
        return presentDelivery(d);
      },
    );

    app.post<{ Params: { b: string; id: string } }>(
      '/v1/businesses/:b/deliveries/:id/retry',
      { schema: { operationId: 'retryDelivery', tags, summary: 'Deliver again now', params: ItemParams, response: { 202: Delivery, ...problemResponses } } },
      async (req, reply) => {
        const d = await ctx.store.retryDelivery(req.params.b, req.params.id, Date.now());
        if (!d) throw notFound(req.params);
        ctx.dispatcher.wake();
        return reply.code(202).send(presentDelivery(d));
      },
    );

    app.get<{ Params: { b: string; id: string }; Querystring: { attempt?: number } }>(
      '/v1/businesses/:b/deliveries/:id/request',
      {
        schema: {
          operationId: 'getDeliveryRequest',
          tags,
          summary: 'The request of an attempt, rendered again, signatures masked',
          description:
            'Attempts do not store what they sent. This renders it again from the stored event and the webhook as it is now, ' +
            "for attempt `attempt` (default: the last one) at that attempt's time. Signature values and custom header values are masked.",
          params: ItemParams,
          querystring: RequestQuery,
          response: { 200: RenderedRequestOut, ...problemResponses },
        },
      },
      async (req) => {
        const d = await ctx.store.getDelivery(req.params.b, req.params.id);
        if (!d) throw notFound(req.params);
        const webhook = await ctx.store.getWebhook(req.params.b, d.webhook_id);
        if (!webhook) throw new HooklineError('WEBHOOK_NOT_FOUND', `Webhook "${d.webhook_id}" was deleted, so its requests can no longer be rendered.`);
        const event = await ctx.store.getEvent(req.params.b, d.event_id);
        if (!event) throw new HooklineError('EVENT_NOT_FOUND', `Event "${d.event_id}" is no longer stored (retention), so its request cannot be rendered.`);
        const dialect = findDialect(webhook.dialect);
        if (!dialect) throw new HooklineError('UNKNOWN_DIALECT', `The webhook's dialect "${webhook.dialect}" is not known to this server.`);
        const wanted = req.query.attempt ?? d.attempts.at(-1)?.number;
        const attempt = wanted === undefined ? undefined : d.attempts.find((a) => a.number === wanted);
        if (wanted !== undefined && !attempt) {
          throw new HooklineError('NOT_FOUND', `Delivery "${d.id}" has no attempt ${wanted}; it has ${d.attempts.length}.`);
        }
        // No attempt yet: show the first one as it would be sent now.
        const now = attempt?.started_at ?? Date.now();
        const attemptNumber = attempt?.number ?? 1;
        let rendered;
        try {
          rendered = renderMasked(dialect, { event, webhook, deliveryId: d.id, attemptNumber, now }, `Hookline/${ctx.version}`);
        } catch (err) {
          if (err instanceof HooklineError) throw err;
          // The dispatcher records the same failure as a `render_failed` attempt.
          throw new HooklineError('EVENT_DATA_INVALID', `The ${dialect.name} dialect cannot render this event: ${(err as Error).message}`);
        }
        return { ...rendered, attempt_number: attemptNumber, rendered_for: new Date(now).toISOString() };
      },
    );
  };
