import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app.js';
import { HooklineError } from '../../errors.js';
import { newWebhookSecret } from '../../ids.js';
import { newWebhookRow, WEBHOOK_DEFAULTS } from '../newWebhookRow.js';
import type { WebhookPatch, WebhookRow } from '../../store/Store.js';
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
import { checkDialect, checkEvents, checkHeaders, checkUrl } from '../webhookInput.js';
import { checkRoomForWebhook, checkWebhookBounds } from '../webhookLimits.js';

/** The old secret keeps signing beside the new one for this long after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

type Params = { b: string; id: string };

export const webhookRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    const tags = ['webhooks'];
    const load = async (p: Params): Promise<WebhookRow> => {
      const w = await ctx.store.getWebhook(p.b, p.id);
      if (!w) throw new HooklineError('WEBHOOK_NOT_FOUND', `No webhook "${p.id}" in business "${p.b}".`);
      return w;
    };

    app.post<{ Params: { b: string }; Body: CreateWebhook }>(
      '/v1/businesses/:b/webhooks',
      { schema: { tags, summary: 'Subscribe a URL to events', params: BusinessParams, body: CreateWebhook, response: { 201: Webhook, ...problemResponses } } },
      async (req, reply) => {
        const body = req.body;
        const dialect = checkDialect(body.dialect ?? WEBHOOK_DEFAULTS.dialect);
        const url = checkUrl(ctx, body.url);
        checkWebhookBounds(ctx.config, body);
        const row = newWebhookRow(req.params.b, {
          name: body.name ?? new URL(url).hostname,
          url,
          events: checkEvents(ctx, body.events, dialect),
          dialect,
          enabled: body.enabled,
          headers: checkHeaders(body.headers ?? {}),
          timeout_ms: body.timeout_ms,
          retry_schedule: body.retry_schedule,
          rate_limit: body.rate_limit,
          max_in_flight: body.max_in_flight,
          ordering: body.ordering,
          secret: body.secret,
        });
        await checkRoomForWebhook(ctx, row.business_id);
        await ctx.store.createWebhook(row);
        return reply.code(201).header('location', `/v1/businesses/${row.business_id}/webhooks/${row.id}`).send(presentWebhook(row, { secret: true }));
      },
    );

    app.get<{ Params: { b: string }; Querystring: ListQuery }>(
      '/v1/businesses/:b/webhooks',
      {
        schema: {
          tags,
          summary: "List a business's webhooks (oldest first; secrets omitted)",
          params: BusinessParams,
          querystring: ListQuery,
          response: { 200: Type.Object({ data: Type.Array(Webhook), next_cursor: Type.Union([Type.String(), Type.Null()]) }) },
        },
      },
      async (req) => {
        const page = await ctx.store.listWebhooks(req.params.b, { cursor: req.query.cursor, limit: req.query.limit ?? 50 });
        return { data: page.data.map((w) => presentWebhook(w, { secret: false })), next_cursor: page.next_cursor };
      },
    );

    app.get<{ Params: Params }>(
      '/v1/businesses/:b/webhooks/:id',
      { schema: { tags, summary: 'Read a webhook, with its secret', params: WebhookParams, response: { 200: Webhook, ...problemResponses } } },
      async (req) => presentWebhook(await load(req.params), { secret: true }),
    );

    app.patch<{ Params: Params; Body: PatchWebhook }>(
      '/v1/businesses/:b/webhooks/:id',
      { schema: { tags, summary: 'Change a webhook', params: WebhookParams, body: PatchWebhook, response: { 200: Webhook, ...problemResponses } } },
      async (req) => {
        const current = await load(req.params);
        const body = req.body;
        checkWebhookBounds(ctx.config, body);
        const patch: WebhookPatch = { ...body } as WebhookPatch;
        const dialect = body.dialect !== undefined ? checkDialect(body.dialect) : current.dialect;
        if (body.url !== undefined) patch.url = checkUrl(ctx, body.url);
        if (body.events !== undefined || body.dialect !== undefined) patch.events = checkEvents(ctx, body.events ?? current.events, dialect);
        if (body.headers !== undefined) patch.headers = checkHeaders(body.headers);
        const reEnabled = body.enabled === true && !current.enabled;
        if (reEnabled) Object.assign(patch, { health_state: 'healthy', consecutive_failures: 0, health_since: Date.now(), health_reason: null });
        if (body.enabled === false) Object.assign(patch, { health_state: 'disabled', health_since: Date.now(), health_reason: 'Disabled through the API.' });
        const updated = await ctx.store.updateWebhook(req.params.b, req.params.id, patch, Date.now());
        if (!updated) throw new HooklineError('WEBHOOK_NOT_FOUND', `No webhook "${req.params.id}" in business "${req.params.b}".`);
        ctx.dispatcher.invalidate(updated.id);
        if (reEnabled && (await ctx.store.unparkWebhook(updated.id, Date.now())) > 0) ctx.dispatcher.wake();
        return presentWebhook(updated, { secret: true });
      },
    );

    app.delete<{ Params: Params }>(
      '/v1/businesses/:b/webhooks/:id',
      { schema: { tags, summary: 'Remove a webhook; its queued deliveries fail, its log stays', params: WebhookParams, response: { 204: Type.Null(), ...problemResponses } } },
      async (req, reply) => {
        if (!(await ctx.store.deleteWebhook(req.params.b, req.params.id))) {
          throw new HooklineError('WEBHOOK_NOT_FOUND', `No webhook "${req.params.id}" in business "${req.params.b}".`);
        }
        ctx.dispatcher.invalidate(req.params.id);
        // Parked deliveries (disabled, or an open circuit) are due again so the claim fails them.
        if ((await ctx.store.unparkWebhook(req.params.id, Date.now())) > 0) ctx.dispatcher.wake();
        return reply.code(204).send();
      },
    );

    app.post<{ Params: Params; Body: { secret?: string } | null }>(
      '/v1/businesses/:b/webhooks/:id/rotate-secret',
      { schema: { tags, summary: 'New secret; the old one keeps signing alongside for 24 h', params: WebhookParams, body: RotateSecret, response: { 200: Webhook, ...problemResponses } } },
      async (req) => {
        const current = await load(req.params);
        const now = Date.now();
        const updated = await ctx.store.updateWebhook(
          req.params.b,
          req.params.id,
          { secret: req.body?.secret ?? newWebhookSecret(), previous_secret: current.secret, previous_secret_expires_at: now + ROTATION_OVERLAP_MS },
          now,
        );
        ctx.dispatcher.invalidate(current.id);
        return presentWebhook(updated!, { secret: true });
      },
    );

    app.post<{ Params: Params }>(
      '/v1/businesses/:b/webhooks/:id/test',
      {
        schema: {
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
