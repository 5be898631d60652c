import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app.js';
import { HooklineError } from '../../errors.js';
import type { Inbox, InboxRequest } from '../../inspector/InboxStore.js';
import { BusinessParams, problemResponses } from '../schemas.js';
import { publicBaseUrl } from '../publicBaseUrl.js';

const InboxParams = Type.Object({ b: BusinessParams.properties.b, id: Type.String({ maxLength: 64 }) });
const CreateInbox = Type.Union([
  Type.Object({ webhook_id: Type.Optional(Type.String({ maxLength: 64, description: "Check signatures with this webhook's secret and dialect." })) }, { additionalProperties: false }),
  Type.Null(),
]);
const InboxOut = Type.Object({
  id: Type.String(),
  url: Type.String({ description: 'Point a webhook here; every request to it is recorded.' }),
  webhook_id: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  last_request_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  request_count: Type.Integer({ description: 'Requests received, including those no longer kept.' }),
});
const RequestOut = Type.Object({
  seq: Type.Integer(),
  received_at: Type.String({ format: 'date-time' }),
  method: Type.String(),
  path: Type.String(),
  headers: Type.Array(Type.Object({ name: Type.String(), value: Type.String() })),
  body: Type.String(),
  body_bytes: Type.Integer(),
  body_truncated: Type.Boolean(),
  signature: Type.Object(
    {
      status: Type.String({ description: 'verified | failed | no_webhook' }),
      dialect: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      webhook_id: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      webhook_name: Type.Optional(Type.String()),
      note: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      reason: Type.Optional(Type.String()),
    },
    { additionalProperties: true },
  ),
});
const RequestsQuery = Type.Object(
  { after: Type.Optional(Type.Integer({ minimum: 0, description: 'Only requests with a higher seq (for polling).' })) },
  { additionalProperties: false },
);

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The request inspector: a business creates a test inbox, points a webhook at its URL, and
 * sees every request exactly as it arrived, signature checked. It replaces the outside
 * request-inspection sites seeds 000 and 001 send their customers to, so payloads (often
 * personal data) never leave the server.
 */
export const inspectorRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    const inboxes = ctx.inboxes.store;
    const tags = ['inspector'];
    // HOOKLINE_PUBLIC_URL when set; otherwise the address the dashboard was reached at, which
    // is one this server's own dispatcher can reach on a single machine.
    const inboxUrl = (req: FastifyRequest, id: string) => `${publicBaseUrl(ctx.config, req)}/inbox/${id}`;
    const present = (req: FastifyRequest, i: Inbox) => ({
      id: i.id,
      url: inboxUrl(req, i.id),
      webhook_id: i.webhook_id,
      created_at: iso(i.created_at),
      last_request_at: i.last_request_at === null ? null : iso(i.last_request_at),
      request_count: i.next_seq - 1,
    });
    const presentRequest = (r: InboxRequest) => ({ ...r, received_at: iso(r.received_at), headers: r.headers.map(([name, value]) => ({ name, value })) });
    const load = (p: { b: string; id: string }): Inbox => {
      const inbox = inboxes.getOf(p.b, p.id);
      if (!inbox) throw new HooklineError('NOT_FOUND', `No test inbox "${p.id}" in business "${p.b}"; inboxes are kept in memory and vanish when the server restarts.`);
      return inbox;
    };

    app.post<{ Params: { b: string }; Body: { webhook_id?: string } | null }>(
      '/v1/businesses/:b/inboxes',
      { schema: { operationId: 'createInbox', tags, summary: 'Create a test inbox: a URL that records every request it receives', params: BusinessParams, body: CreateInbox, response: { 201: InboxOut, ...problemResponses } } },
      async (req, reply) => {
        const webhookId = req.body?.webhook_id ?? null;
        if (webhookId && !(await ctx.store.getWebhook(req.params.b, webhookId))) {
          throw new HooklineError('WEBHOOK_NOT_FOUND', `No webhook "${webhookId}" in business "${req.params.b}" to link the inbox to.`);
        }
        const inbox = inboxes.create(req.params.b, webhookId, Date.now());
        return reply.code(201).send(present(req, inbox));
      },
    );

    app.get<{ Params: { b: string } }>(
      '/v1/businesses/:b/inboxes',
      { schema: { operationId: 'listInboxes', tags, summary: "The business's test inboxes, newest first", params: BusinessParams, response: { 200: Type.Object({ data: Type.Array(InboxOut) }), ...problemResponses } } },
      async (req) => ({ data: inboxes.listOf(req.params.b).map((i) => present(req, i)) }),
    );

    app.delete<{ Params: { b: string; id: string } }>(
      '/v1/businesses/:b/inboxes/:id',
      { schema: { operationId: 'deleteInbox', tags, summary: 'Delete a test inbox and what it recorded', params: InboxParams, response: { 204: Type.Null(), ...problemResponses } } },
      async (req, reply) => {
        load(req.params);
        inboxes.delete(req.params.b, req.params.id);
        return reply.code(204).send();
      },
    );

    app.get<{ Params: { b: string; id: string }; Querystring: { after?: number } }>(
      '/v1/businesses/:b/inboxes/:id/requests',
      {
        schema: {
          operationId: 'listInboxRequests',
          tags,
          summary: 'What an inbox received, newest first (the last 200)',
          params: InboxParams,
          querystring: RequestsQuery,
          response: { 200: Type.Object({ inbox: InboxOut, data: Type.Array(RequestOut) }), ...problemResponses },
        },
      },
      async (req) => {
        const inbox = load(req.params);
        const after = req.query.after ?? 0;
        const data = inbox.requests.filter((r) => r.seq > after).reverse().map(presentRequest);
        return { inbox: present(req, inbox), data };
      },
    );

    // The receiving end is public (the sender holds no token) and takes any method and any
    // body, kept as raw bytes so the signature is checked on exactly what arrived.
    await app.register(async (receiver) => {
      receiver.removeAllContentTypeParsers();
      receiver.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
      receiver.all<{ Params: { id: string } }>(
        '/inbox/:id',
        { config: { auth: false }, exposeHeadRoute: false, schema: { hide: true } },
        async (req, reply) => {
          const rawHeaders = req.raw.rawHeaders;
          const headers: [string, string][] = [];
          for (let i = 0; i + 1 < rawHeaders.length; i += 2) headers.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
          const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
          const stored = await ctx.inboxes.receive(req.params.id, { method: req.method, path: req.url, headers, body });
          if (!stored) throw new HooklineError('NOT_FOUND', `No test inbox "${req.params.id}"; create one in the dashboard's Inspector.`);
          return reply.code(200).send({ received: true, inbox: req.params.id, seq: stored.seq });
        },
      );
    });
  };
