import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../../app.js';
import { HooklineError } from '../../errors.js';
import { hashToken } from '../../auth/hashToken.js';
import { newPortalCredential } from '../../ids.js';
import { createPortalSession, PORTAL_MAX_EXPIRES_IN_S } from '../../auth/createPortalSession.js';
import { PORTAL_COOKIE, readCookie, type PortalAuth } from '../../auth/PortalAuth.js';
import type { PortalSessionRow } from '../../store/Store.js';
import { iso } from '../present.js';
import { BusinessParams, problemResponses } from '../schemas.js';
import { loadUiAssets } from '../uiAssets.js';
import { endReason, expiredPage, portalPageHeaders, resolveTheme } from '../portalPages.js';
import { publicBaseUrl } from '../publicBaseUrl.js';

const tags = ['portal'];
const CreatePortalSession = Type.Union([
  Type.Object(
    {
      expires_in: Type.Optional(Type.Integer({ minimum: 1, maximum: PORTAL_MAX_EXPIRES_IN_S, description: 'Seconds the link and the session it opens live; default 3600.' })),
      return_url: Type.Optional(Type.String({ maxLength: 2048, description: 'Where the "link has expired" page sends the user back to.' })),
      read_only: Type.Optional(Type.Boolean({ description: 'The portal shows everything and changes nothing.' })),
      theme: Type.Optional(
        Type.Object(
          {
            name: Type.Optional(Type.String({ maxLength: 200, description: "The platform's name, shown in the portal." })),
            accent: Type.Optional(Type.String({ maxLength: 32, description: '#rrggbb' })),
            logo: Type.Optional(Type.String({ maxLength: 100_000, description: 'A data URI of a PNG, SVG, JPEG or WebP image of at most 64 KB.' })),
            mode: Type.Optional(Type.String({ maxLength: 16, description: 'light or dark' })),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  Type.Null(),
]);
type CreatePortalSession = Static<typeof CreatePortalSession>;
const PortalSessionOut = Type.Object({
  id: Type.String(),
  url: Type.String({ description: 'Opens the portal once; put it in an iframe (or open it) right away.' }),
  expires_at: Type.String({ format: 'date-time' }),
});
const PortalSessionParams = Type.Object({ b: BusinessParams.properties.b, id: Type.String({ maxLength: 64 }) });
const PortalView = Type.Object({
  id: Type.String(),
  business: Type.Object({ id: Type.String(), name: Type.String() }),
  read_only: Type.Boolean(),
  expires_at: Type.String({ format: 'date-time' }),
  return_url: Type.Union([Type.String(), Type.Null()]),
  theme: Type.Object({
    name: Type.Union([Type.String(), Type.Null()]),
    accent: Type.Union([Type.String(), Type.Null()]),
    logo: Type.Union([Type.String(), Type.Null()]),
    mode: Type.Union([Type.Literal('light'), Type.Literal('dark')]),
  }),
});

/**
 * The embeddable portal (issue 14, docs/portal.md): the admin creates a session for one
 * business and gets a single-use link; opening it exchanges the link's credential for an
 * HttpOnly cookie and redirects to /portal, so the credential leaves the address bar; /portal
 * is the dashboard in portal mode, whose API calls the cookie authenticates (src/api/authenticate.ts).
 */
export const portalRoutes =
  (ctx: AppContext, portalAuth: PortalAuth): FastifyPluginAsync =>
  async (app) => {
    const assets = loadUiAssets();
    const baseUrl = (req: FastifyRequest) => publicBaseUrl(ctx.config, req);

    app.post<{ Params: { b: string }; Body: CreatePortalSession }>(
      '/v1/businesses/:b/portal-sessions',
      {
        config: { adminOnly: true },
        schema: {
          operationId: 'createPortalSession',
          tags,
          summary: "An embeddable portal link for one business's webhooks (admin token)",
          params: BusinessParams,
          body: CreatePortalSession,
          response: { 201: PortalSessionOut, ...problemResponses },
        },
      },
      async (req, reply) => {
        const created = await createPortalSession(ctx.store, req.params.b, req.body ?? {}, baseUrl(req));
        return reply.code(201).send({ id: created.id, url: created.url, expires_at: iso(created.expires_at) });
      },
    );

    app.delete<{ Params: { b: string; id: string } }>(
      '/v1/businesses/:b/portal-sessions/:id',
      {
        config: { adminOnly: true },
        schema: { operationId: 'revokePortalSession', tags, summary: 'End a portal session at once, on every process (admin token)', params: PortalSessionParams, response: { 204: Type.Null(), ...problemResponses } },
      },
      async (req, reply) => {
        if (!(await ctx.store.revokePortalSession(req.params.b, req.params.id, Date.now()))) {
          throw new HooklineError('PORTAL_SESSION_NOT_FOUND', `Business "${req.params.b}" has no portal session "${req.params.id}"; the id is the one POST …/portal-sessions returned.`);
        }
        portalAuth.forget(req.params.id);
        return reply.code(204).send();
      },
    );

    app.get(
      '/v1/portal/session',
      { schema: { operationId: 'getPortalSession', tags, summary: 'The portal session the cookie stands for: its business, theme and rights (portal only)', response: { 200: PortalView, ...problemResponses } } },
      async (req) => {
        const p = req.principal!;
        if (p.kind !== 'portal') throw new HooklineError('NOT_FOUND', 'Only a portal session has this; a bearer token has none.');
        const cookie = readCookie(req.headers.cookie, PORTAL_COOKIE)!;
        const checked = await portalAuth.check(cookie);
        if (!checked.ok) throw new HooklineError('UNAUTHORIZED', 'This portal session has ended; open Webhooks again from the app you came from.');
        const s = checked.session;
        const business = await ctx.store.getBusiness(s.business_id);
        return {
          id: s.id,
          business: { id: s.business_id, name: business?.name ?? s.business_id },
          read_only: s.read_only,
          expires_at: iso(s.expires_at),
          return_url: s.return_url,
          theme: resolveTheme(s.theme, ctx.config),
        };
      },
    );

    const sendExpired = (reply: FastifyReply, session: PortalSessionRow | null, link: boolean) => {
      const page = expiredPage(resolveTheme(session?.theme ?? null, ctx.config), session?.return_url ?? null, endReason(session, Date.now(), link));
      return reply.code(410).headers(portalPageHeaders(ctx.config, page.nonce)).type('text/html; charset=utf-8').send(page.html);
    };

    app.get<{ Querystring: { t?: string } }>(
      '/portal/open',
      { config: { auth: false }, schema: { hide: true, querystring: Type.Object({ t: Type.Optional(Type.String({ maxLength: 512 })) }) } },
      async (req, reply) => {
        const link = req.query.t ?? '';
        const linkHash = hashToken(link);
        const credential = newPortalCredential('session');
        const now = Date.now();
        const session = link.length >= 16 ? await ctx.store.openPortalLink(linkHash, hashToken(credential), now) : null;
        if (!session) return sendExpired(reply, link.length >= 16 ? await ctx.store.findPortalSessionByLink(linkHash) : null, true);
        const maxAge = Math.max(1, Math.floor((session.expires_at - now) / 1000));
        // Framed by another site over HTTPS, the cookie must be SameSite=None (and so Secure) to
        // be sent at all; otherwise Lax, which also works on plain http://127.0.0.1 in development.
        const https = baseUrl(req).startsWith('https:');
        const sameSite = ctx.config.portalFrameAncestors.length > 0 && https ? 'SameSite=None; Secure' : 'SameSite=Lax';
        return reply
          .code(303)
          .headers({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' })
          .header('set-cookie', `${PORTAL_COOKIE}=${credential}; Path=/; HttpOnly; Max-Age=${maxAge}; ${sameSite}`)
          .header('location', '/portal')
          .send();
      },
    );

    app.get('/portal', { config: { auth: false }, schema: { hide: true } }, async (req, reply) => {
      const cookie = readCookie(req.headers.cookie, PORTAL_COOKIE);
      const checked = cookie ? await portalAuth.check(cookie) : null;
      if (!checked?.ok) return sendExpired(reply, checked?.session ?? null, false);
      const index = assets?.get('index.html');
      if (!index) throw new HooklineError('NOT_FOUND', 'The dashboard has not been built; run npm run build and restart Hookline.');
      return reply.headers(portalPageHeaders(ctx.config)).type(index.type).send(index.body);
    });
  };


