import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app.js';
import { createPortalSession, PORTAL_MAX_EXPIRES_IN_S } from '../../auth/createPortalSession.js';
import { resolveApp } from './access.js';
import { AppParams } from './schemas.js';
import { svixErrors } from './responses.js';
import { publicBaseUrl } from '../publicBaseUrl.js';

const PortalAccessIn = Type.Object(
  {
    // Svix's lifetime in seconds; Hookline's portal links live a day at most, so a longer one is shortened.
    expiry: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    readOnly: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  },
  { title: 'SvixAppPortalAccessIn' },
);

const PortalAccessOut = Type.Object({ url: Type.String(), token: Type.String() }, { title: 'SvixAppPortalAccessOut' });

type PortalAccessBody = { expiry?: number | null; readOnly?: boolean | null } | undefined;

/**
 * `app-portal-access`: a single-use link to Hookline's embeddable portal for one application's
 * business (docs/portal.md). `token` is the link's credential, which only the link can spend.
 */
export function portalAccessRoutes(app: FastifyInstance, ctx: AppContext): void {
  const baseUrl = (req: FastifyRequest) => publicBaseUrl(ctx.config, req);
  app.post<{ Params: AppParams; Body: PortalAccessBody }>(
    '/auth/app-portal-access/:app_id',
    {
      config: { adminOnly: true },
      schema: {
        tags: ['svix'],
        operationId: 'svixAppPortalAccess',
        summary: "A single-use link to Hookline's embeddable portal for one application",
        params: AppParams,
        body: Type.Optional(PortalAccessIn),
        response: { 200: PortalAccessOut, ...svixErrors },
      },
    },
    async (req) => {
      const { business } = await resolveApp(ctx, req, req.params.app_id);
      const expiresIn = Math.min(req.body?.expiry ?? 3600, PORTAL_MAX_EXPIRES_IN_S);
      const created = await createPortalSession(ctx.store, business.id, { expires_in: expiresIn, read_only: req.body?.readOnly ?? false }, baseUrl(req));
      return { url: created.url, token: new URL(created.url).searchParams.get('t')! };
    },
  );
}
