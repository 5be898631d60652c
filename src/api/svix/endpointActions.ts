import type { FastifyInstance } from 'fastify';
import { ulid } from 'ulidx';
import type { AppContext } from '../../app.js';
import { resolveApp, resolveEndpoint } from './access.js';
import { invalidField } from './svixErrors.js';
import { EndpointParams, HeadersIn, HeadersPatchIn, RecoverIn, SecretRotateIn } from './schemas.js';
import { Type } from '@sinclair/typebox';
import { SvixHeadersOut, SvixRecoverOut, SvixSecretOut, svixErrors } from './responses.js';

const tags = ['svix endpoints'];
/** As Svix's open-source server: one recovery sends at most this many messages again. */
const MAX_RECOVERED = 10_000;
const PAGE = 250;

/**
 * Svix's "failed" includes messages whose last attempt failed and that wait for a retry:
 * an endpoint back up should not wait hours for them. They are made due now, newest first,
 * back to `since`.
 */
async function retryWaiting(ctx: AppContext, businessId: string, webhookId: string, window: { since: number; until: number }, now: number): Promise<number> {
  let cursor: string | undefined;
  let count = 0;
  while (count < MAX_RECOVERED) {
    const page = await ctx.store.listDeliveries(businessId, { webhook_id: webhookId, status: 'retrying' }, { cursor, limit: PAGE });
    for (const d of page.data) {
      if (d.created_at < window.since) return count;
      if (d.created_at > window.until) continue;
      // Held deliveries are being sent right now; retryDelivery leaves them alone.
      if (d.lease_owner === null && (await ctx.store.retryDelivery(businessId, d.id, now))) count++;
      if (count >= MAX_RECOVERED) break;
    }
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return count;
}

/** An endpoint's secret, its custom headers and recovery: each a change through the webhooks service. */
export function endpointActionRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { webhooks } = ctx;
  const endpointOf = async (req: Parameters<typeof resolveApp>[1], params: EndpointParams) => {
    const { business } = await resolveApp(ctx, req, params.app_id);
    return resolveEndpoint(ctx, business.id, params.endpoint_id);
  };

  app.get<{ Params: EndpointParams }>(
    '/app/:app_id/endpoint/:endpoint_id/secret',
    { schema: { tags, operationId: 'svixGetEndpointSecret', response: { 200: SvixSecretOut, ...svixErrors }, summary: "The endpoint's signing secret", params: EndpointParams } },
    async (req) => ({ key: (await endpointOf(req, req.params)).webhook.secret }),
  );

  app.post<{ Params: EndpointParams; Body: SecretRotateIn | undefined }>(
    '/app/:app_id/endpoint/:endpoint_id/secret/rotate',
    {
      schema: {
        tags, operationId: 'svixRotateEndpointSecret', response: { 204: Type.Null({ description: 'Rotated' }), ...svixErrors }, params: EndpointParams, body: SecretRotateIn,
        summary: 'A new secret (given, or generated); the old one keeps signing beside it for 24 hours',
      },
    },
    async (req, reply) => {
      const { webhook } = await endpointOf(req, req.params);
      await webhooks.rotateSecret(webhook.business_id, webhook.id, req.body?.key ?? undefined);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: EndpointParams }>(
    '/app/:app_id/endpoint/:endpoint_id/headers',
    { schema: { tags, operationId: 'svixGetEndpointHeaders', response: { 200: SvixHeadersOut, ...svixErrors }, summary: "The endpoint's custom headers", params: EndpointParams } },
    async (req) => ({ headers: (await endpointOf(req, req.params)).webhook.headers, sensitive: [] }),
  );

  app.put<{ Params: EndpointParams; Body: HeadersIn }>(
    '/app/:app_id/endpoint/:endpoint_id/headers',
    { schema: { tags, operationId: 'svixUpdateEndpointHeaders', response: { 204: Type.Null({ description: 'Replaced' }), ...svixErrors }, summary: "Replace the endpoint's custom headers", params: EndpointParams, body: HeadersIn } },
    async (req, reply) => {
      const { webhook } = await endpointOf(req, req.params);
      await webhooks.update(webhook.business_id, webhook.id, { headers: req.body.headers });
      return reply.code(204).send();
    },
  );

  app.patch<{ Params: EndpointParams; Body: HeadersPatchIn }>(
    '/app/:app_id/endpoint/:endpoint_id/headers',
    { schema: { tags, operationId: 'svixPatchEndpointHeaders', response: { 204: Type.Null({ description: 'Changed' }), ...svixErrors }, summary: 'Set some custom headers; a null value removes one', params: EndpointParams, body: HeadersPatchIn } },
    async (req, reply) => {
      const { webhook } = await endpointOf(req, req.params);
      const headers = { ...webhook.headers };
      for (const [name, value] of Object.entries(req.body.headers)) {
        for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
        if (value !== null) headers[name] = value;
      }
      await webhooks.update(webhook.business_id, webhook.id, { headers });
      return reply.code(204).send();
    },
  );

  app.post<{ Params: EndpointParams; Body: RecoverIn }>(
    '/app/:app_id/endpoint/:endpoint_id/recover',
    {
      schema: {
        tags, operationId: 'svixRecoverEndpoint', response: { 202: SvixRecoverOut, ...svixErrors }, params: EndpointParams, body: RecoverIn,
        summary: "Send again the endpoint's failed messages since a time (202 with a finished task)",
      },
    },
    async (req, reply) => {
      const { webhook } = await endpointOf(req, req.params);
      const since = Date.parse(req.body.since);
      const until = req.body.until ? Date.parse(req.body.until) : undefined;
      const now = Date.now();
      if (since > now) throw invalidField(['body', 'since'], 'since is in the future; give the time from which failed messages are sent again');
      if (until !== undefined && until < since) throw invalidField(['body', 'until'], 'until is before since; give a window that ends after it starts');
      let replayed = await ctx.store.replayFailed(webhook.id, since, now, until);
      replayed += await retryWaiting(ctx, webhook.business_id, webhook.id, { since, until: until ?? now }, now);
      if (replayed > 0) ctx.dispatcher.wake();
      return reply.code(202).send({ id: `qtask_${ulid()}`, status: 'finished', task: 'endpoint.recover', updatedAt: new Date(now).toISOString() });
    },
  );
}
