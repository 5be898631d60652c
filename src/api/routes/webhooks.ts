import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app.js';
import { presentDelivery, presentEvent, presentWebhook } from '../present.js';
import {
  BusinessParams,
  CreateWebhook,
  Delivery,
  Event,
  ListQuery,
  PatchWebhook,
  Replay,
  RotateSecret,
  Webhook,
  WebhookParams,
  problemResponses,
} from '../schemas.js';

type Params = { b: string; id: string };

export const webhookRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    const tags = ['webhooks'];
    const load = (p: Params) => ctx.webhooks.get(p.b, p.id);

    app.post<{ Params: { b: string }; Body: CreateWebhook }>(
      '/v1/businesses/:b/webhooks',
      { schema: { operationId: 'createWebhook', tags, summary: 'Subscribe a URL to events', params: BusinessParams, body: CreateWebhook, response: { 201: Webhook, ...problemResponses } } },
      async (req, reply) => {
        const row = await ctx.webhooks.create(req.params.b, req.body);
        return reply.code(201).header('location', `/v1/businesses/${row.business_id}/webhooks/${row.id}`).send(presentWebhook(row, { secret: true }));
      },
    );

    app.get<{ Params: { b: string }; Querystring: ListQuery }>(
      '/v1/businesses/:b/webhooks',
      {
        schema: {
          operationId: 'listWebhooks',
          tags,
          summary: "List a business's webhooks (oldest first; secrets omitted)",
          params: BusinessParams,
          querystring: ListQuery,
          response: { 200: Type.Object({ data: Type.Array(Webhook), next_cursor: Type.Union([Type.String(), Type.Null()]) }, { title: 'WebhookPage' }) },
        },
      },
      async (req) => {
        const page = await ctx.store.listWebhooks(req.params.b, { cursor: req.query.cursor, limit: req.query.limit ?? 50 });
        return { data: page.data.map((w) => presentWebhook(w, { secret: false })), next_cursor: page.next_cursor };
      },
    );

    app.get<{ Params: Params }>(
      '/v1/businesses/:b/webhooks/:id',
      { schema: { operationId: 'getWebhook', tags, summary: 'Read a webhook, with its secret', params: WebhookParams, response: { 200: Webhook, ...problemResponses } } },
      async (req) => presentWebhook(await load(req.params), { secret: true }),
    );

    app.patch<{ Params: Params; Body: PatchWebhook }>(
      '/v1/businesses/:b/webhooks/:id',
      { schema: { operationId: 'updateWebhook', tags, summary: 'Change a webhook', params: WebhookParams, body: PatchWebhook, response: { 200: Webhook, ...problemResponses } } },
      async (req) => {
        const updated = await ctx.webhooks.update(req.params.b, req.params.id, req.body);
        return presentWebhook(updated, { secret: true });
      },
    );

    app.delete<{ Params: Params }>(
      '/v1/businesses/:b/webhooks/:id',
      { schema: { operationId: 'deleteWebhook', tags, summary: 'Remove a webhook; its queued deliveries fail, its log stays', params: WebhookParams, response: { 204: Type.Null(), ...problemResponses } } },
      async (req, reply) => {
        await ctx.webhooks.remove(req.params.b, req.params.id);
        return reply.code(204).send();
      },
    );

    app.post<{ Params: Params; Body: { secret?: string } | null }>(
      '/v1/businesses/:b/webhooks/:id/rotate-secret',
      { schema: { operationId: 'rotateWebhookSecret', tags, summary: 'New secret; the old one keeps signing alongside for 24 h', params: WebhookParams, body: RotateSecret, response: { 200: Webhook, ...problemResponses } } },
      async (req) => {
        const updated = await ctx.webhooks.rotateSecret(req.params.b, req.params.id, req.body?.secret);
        return presentWebhook(updated, { secret: true });
      },
    );

    app.post<{ Params: Params }>(
      '/v1/businesses/:b/webhooks/:id/verify',
      {
        schema: {
          operationId: 'verifyWebhookOwnership',
          tags,
          summary: 'Send the ownership challenge now (verification "challenge"); answers the webhook with its verification_state',
          params: WebhookParams,
          response: { 200: Webhook, ...problemResponses },
        },
      },
      async (req) => presentWebhook(await ctx.webhooks.verify(req.params.b, req.params.id), { secret: true }),
    );

    app.post<{ Params: Params }>(
      '/v1/businesses/:b/webhooks/:id/test',
      {
        schema: {
          operationId: 'testWebhook',
          tags,
          summary: 'Send a webhook/test event to this webhook only',
          params: WebhookParams,
          response: { 202: Type.Object({ ...Event.properties, delivery: Delivery }), ...problemResponses },
        },
      },
      async (req, reply) => {
        const webhook = await load(req.params);
        const result = await ctx.publisher.publishTo(webhook, {
          type: 'webhook/test',
          data: { webhook_id: webhook.id, message: 'This is a test event sent from Hookline.' },
        });
        return reply.code(202).send({ ...presentEvent(result.event), delivery: presentDelivery(result.deliveries[0]!) });
      },
    );

    app.post<{ Params: Params; Body: { since: string } }>(
      '/v1/businesses/:b/webhooks/:id/replay',
      {
        schema: {
          operationId: 'replayWebhook',
          tags,
          summary: "Re-deliver this webhook's failed deliveries created since a time",
          params: WebhookParams,
          body: Replay,
          response: { 202: Type.Object({ replayed: Type.Integer(), since: Type.String() }), ...problemResponses },
        },
      },
      async (req, reply) => {
        const webhook = await load(req.params);
        const since = Date.parse(req.body.since);
        const replayed = await ctx.store.replayFailed(webhook.id, since, Date.now());
        if (replayed > 0) ctx.dispatcher.wake();
        return reply.code(202).send({ replayed, since: new Date(since).toISOString() });
      },
    );
  };
