import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../app.js';
import { findDialect, isUnrepresentable } from '../../dialects/index.js';
import { HooklineError } from '../../errors.js';
import type { EventRow } from '../../store/Store.js';
import { checkTransformation } from '../../transform/checkTransformation.js';
import { transformRequest } from '../../transform/transformRequest.js';
import { problemResponses, WebhookParams } from '../schemas.js';
import { TransformationSimulate, TransformationSimulation, TransformationVersions } from '../transformationSchemas.js';

/**
 * What a webhook's transformation would send for one event (issue 16): the same rendering,
 * sandbox, checks and signing as a delivery's attempt, on the same thread, without sending
 * or storing anything. Code given in the request is tried in a sandbox of its own, so trying
 * a draft never touches the saved version's state.
 */
export const transformationSimulateRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    app.post<{ Params: { b: string; id: string }; Body: TransformationSimulate | undefined }>(
      '/v1/businesses/:b/webhooks/:id/transformation/simulate',
      {
        schema: {
          operationId: 'simulateTransformation',
          tags: ['webhooks'],
          summary: 'The request a transformation would produce for one event',
          params: WebhookParams,
          body: TransformationSimulate,
          response: { 200: TransformationSimulation, ...problemResponses },
        },
      },
      async (req) => {
        const { b, id } = req.params;
        const body = req.body ?? {};
        const webhook = await ctx.webhooks.get(b, id);
        const draft = body.code !== undefined ? (await checkTransformation({ code: body.code }, webhook.dialect, '/code')).code : null;
        const code = draft ?? webhook.transformation?.code;
        if (code === undefined) {
          throw new HooklineError('INVALID_TRANSFORMATION', 'This webhook has no transformation: pass "code" to try one.', { errors: [{ pointer: '/code', message: 'required' }] });
        }
        const event = await eventToTry(ctx, b, body);
        const dialect = findDialect(webhook.dialect)!;
        const now = Date.now();
        const renderInput = { event, webhook, deliveryId: 'dlv_simulated', attemptNumber: 1, now };
        const version = draft === null ? (webhook.transformation?.version ?? null) : null;
        const rendered = dialect.render(renderInput);
        if (isUnrepresentable(rendered)) {
          return { outcome: 'error' as const, version, event_id: event.id, error: `data${rendered.unrepresentable.pointer}: ${rendered.unrepresentable.message}` };
        }
        const key = draft === null ? `${webhook.id}:${version}` : `simulate:${webhook.id}:${createHash('sha256').update(code).digest('hex').slice(0, 24)}`;
        const outcome = await transformRequest({ transformer: ctx.transformer, key, code, webhook, event, dialect, rendered, renderInput });
        if (outcome.kind === 'error') return { outcome: 'error' as const, version, event_id: event.id, error: outcome.message };
        if (outcome.kind === 'cancel') return { outcome: 'cancel' as const, version, event_id: event.id };
        return { outcome: 'send' as const, version, event_id: event.id, request: outcome.request };
      },
    );

    app.get<{ Params: { b: string; id: string } }>(
      '/v1/businesses/:b/webhooks/:id/transformation/versions',
      {
        schema: {
          operationId: 'listTransformationVersions',
          tags: ['webhooks'],
          summary: "Every saved version of a webhook's transformation, newest first",
          params: WebhookParams,
          response: { 200: TransformationVersions, ...problemResponses },
        },
      },
      async (req) => {
        const webhook = await ctx.webhooks.get(req.params.b, req.params.id);
        const rows = await ctx.store.transformationVersions(webhook.id);
        return { data: rows.map((r) => ({ version: r.version, code: r.code, created_at: new Date(r.created_at).toISOString() })) };
      },
    );
  };

async function eventToTry(ctx: AppContext, b: string, body: TransformationSimulate): Promise<EventRow> {
  if (body.event_id !== undefined && body.event !== undefined) {
    throw new HooklineError('VALIDATION_FAILED', 'Give "event_id" (a stored event) or "event" (one written inline), not both.');
  }
  if (body.event_id !== undefined) {
    const row = await ctx.store.getEvent(b, body.event_id);
    if (!row) throw new HooklineError('EVENT_NOT_FOUND', `Business "${b}" has no event "${body.event_id}".`);
    return row;
  }
  if (body.event !== undefined) {
    const now = Date.now();
    const e = body.event;
    return {
      business_id: b,
      id: e.id ?? 'evt_simulated',
      type: e.type,
      data: JSON.stringify(e.data ?? null),
      occurred_at: e.occurred_at === undefined ? now : Date.parse(e.occurred_at),
      created_at: now,
    };
  }
  const [newest] = await ctx.store.recentEvents(b, 1);
  if (!newest) throw new HooklineError('VALIDATION_FAILED', 'This business has no events yet: give "event" (an event written inline) to try the transformation on.');
  return newest;
}
