import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app.js';
import { HooklineError } from '../../errors.js';
import type { ListenerStream } from '../../listen/ListenerStreams.js';
import { listenerIdOf } from '../../listen/listenerUrl.js';
import type { WebhookRow } from '../../store/Store.js';
import { iso } from '../present.js';
import { TokenAuth } from '../../auth/TokenAuth.js';
import { BusinessParams, problemResponses } from '../schemas.js';
import { CreateListener, Listener, ListenerParams, ListenerResult } from '../listenerSchemas.js';

type Params = { b: string; id: string };
const tags = ['listeners'];

/**
 * `hookline listen` (issue 17, docs/listen.md): a listener is a webhook whose attempts go down a
 * server-sent event stream to the CLI, which re-sends each to a local URL and reports the
 * answer here, so the log shows it as an attempt. A business token or the admin token; the
 * portal has no use for a stream, so it is refused.
 */
export const listenerRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    const present = (w: WebhookRow) => ({
      id: w.id,
      business: w.business_id,
      events: w.events,
      dialect: w.dialect,
      secret: w.secret,
      grace_ms: ctx.config.listenerGraceMs,
      created_at: iso(w.created_at),
    });
    const load = async (p: Params): Promise<WebhookRow> => {
      const w = await ctx.store.getWebhook(p.b, p.id);
      if (!w || listenerIdOf(w.url) !== w.id) throw new HooklineError('LISTENER_NOT_FOUND', `No listener "${p.id}" in business "${p.b}"; start one with \`hookline listen\`.`);
      return w;
    };

    app.post<{ Params: { b: string }; Body: CreateListener }>(
      '/v1/businesses/:b/listeners',
      {
        schema: {
          tags,
          operationId: 'createListener',
          summary: 'Create a listener: a temporary webhook delivered over a stream to `hookline listen`',
          params: BusinessParams,
          body: CreateListener,
          response: { 201: Listener, ...problemResponses },
        },
      },
      async (req, reply) => {
        refusePortal(req);
        const row = await ctx.webhooks.createListener(req.params.b, { events: req.body?.events ?? ['*'], dialect: req.body?.dialect });
        // It has the grace period to connect, like one whose stream dropped.
        ctx.listeners.expectConnection(row.business_id, row.id);
        return reply.code(201).send(present(row));
      },
    );

    app.get<{ Params: Params }>(
      '/v1/businesses/:b/listeners/:id/stream',
      {
        schema: {
          tags,
          operationId: 'streamListener',
          summary: "The listener's deliveries as server-sent events: `ready`, then one `delivery` per attempt",
          params: ListenerParams,
          response: {
            200: { description: 'text/event-stream, open until the client or the server closes it', content: { 'text/event-stream': { schema: Type.String() } } },
            ...problemResponses,
          },
        },
      },
      async (req, reply) => {
        refusePortal(req);
        const w = await load(req.params);
        reply.hijack();
        const res = reply.raw;
        // `connection: close`: once a stream ends its socket goes too, so a server that is
        // closing is not left waiting on a connection that would never carry a request again.
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no', connection: 'close' });
        const stream: ListenerStream = {
          send: (event, data) => void (res.writableEnded || res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)),
          ping: () => void (res.writableEnded || res.write(': keepalive\n\n')),
          close: () => res.end(),
          authorized: authorizedNow(ctx, req.headers.authorization, w.business_id),
        };
        stream.send('ready', present(w));
        const detach = ctx.listeners.attach(w.business_id, w.id, stream);
        res.once('close', detach);
      },
    );

    app.post<{ Params: Params; Body: ListenerResult }>(
      '/v1/businesses/:b/listeners/:id/results',
      {
        schema: {
          tags,
          operationId: 'reportListenerResult',
          summary: "Report what the local URL answered to one attempt; the log records it as the attempt's outcome",
          params: ListenerParams,
          body: ListenerResult,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (req, reply) => {
        refusePortal(req);
        const w = await load(req.params);
        const { attempt_id, status_code = null, error = null, duration_ms, response_body = null } = req.body;
        if ((status_code === null) === (error === null)) {
          throw new HooklineError('BAD_REQUEST', 'Give either status_code (the local URL answered) or error (it did not), not both and not neither.');
        }
        if (!ctx.listeners.report(w.id, attempt_id, { status_code, error, duration_ms, response_body })) {
          throw new HooklineError(
            'LISTENER_ATTEMPT_NOT_FOUND',
            `No attempt "${attempt_id}" of listener "${w.id}" is waiting: it timed out, its stream closed, or it was reported already. The delivery is retried as usual.`,
          );
        }
        return reply.code(204).send();
      },
    );

    app.delete<{ Params: Params }>(
      '/v1/businesses/:b/listeners/:id',
      { schema: { tags, operationId: 'deleteListener', summary: 'Remove a listener (what Ctrl-C in `hookline listen` does)', params: ListenerParams, response: { 204: Type.Null(), ...problemResponses } } },
      async (req, reply) => {
        refusePortal(req);
        const w = await load(req.params);
        ctx.listeners.forget(w.id);
        await ctx.webhooks.remove(w.business_id, w.id);
        return reply.code(204).send();
      },
    );
  };

function refusePortal(req: FastifyRequest): void {
  if (req.principal?.kind === 'portal') throw new HooklineError('FORBIDDEN', 'Listeners are for `hookline listen` with a bearer token; the webhooks portal cannot open one.');
}

/**
 * How a stream asks whether its bearer token still reaches the business (ListenerStream.authorized).
 * The token is checked as a request would be, through the credential cache, so a revocation
 * made on another process is seen once its cached entry is older than the cache's lifetime.
 */
function authorizedNow(ctx: AppContext, authorization: string | undefined, businessId: string): () => Promise<boolean> {
  const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
  return async () => {
    if (token === undefined) return false;
    const checked = await ctx.auth.check(token);
    return checked.ok && TokenAuth.reaches(checked.principal, businessId);
  };
}
