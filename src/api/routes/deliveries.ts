import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app.js';
import { HooklineError } from '../../errors.js';
import { presentDelivery } from '../present.js';
import { BusinessParams, Delivery, DeliveryQuery, ItemParams, problemResponses } from '../schemas.js';

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
          tags,
          summary: 'The delivery log, newest first',
          params: BusinessParams,
          querystring: DeliveryQuery,
          response: { 200: Type.Object({ data: Type.Array(Delivery), next_cursor: Type.Union([Type.String(), Type.Null()]) }), ...problemResponses },
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
      { schema: { tags, summary: 'One delivery with every attempt', params: ItemParams, response: { 200: Delivery, ...problemResponses } } },
      async (req) => {
        const d = await ctx.store.getDelivery(req.params.b, req.params.id);
        if (!d) throw notFound(req.params);
        return presentDelivery(d);
      },
    );

    app.post<{ Params: { b: string; id: string } }>(
      '/v1/businesses/:b/deliveries/:id/retry',
      { schema: { tags, summary: 'Deliver again now', params: ItemParams, response: { 202: Delivery, ...problemResponses } } },
      async (req, reply) => {
        const d = await ctx.store.retryDelivery(req.params.b, req.params.id, Date.now());
        if (!d) throw notFound(req.params);
        ctx.dispatcher.wake();
        return reply.code(202).send(presentDelivery(d));
      },
    );
  };
