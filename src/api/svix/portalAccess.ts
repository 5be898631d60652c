import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app.js';
import { HooklineError } from '../../errors.js';
import { resolveApp } from './access.js';
import { AppParams } from './schemas.js';
import { SvixHttpError, svixErrors } from './responses.js';

/** `app-portal-access`: a link to Hookline's portal for one application. */
export function portalAccessRoutes(app: FastifyInstance, ctx: AppContext): void {
  // The embeddable portal (POST /v1/businesses/{b}/portal-sessions) is built separately; once
  // it is served, this handler creates a session for the business and answers {url, token}.
  app.post<{ Params: AppParams }>(
    '/auth/app-portal-access/:app_id',
    {
      config: { adminOnly: true },
      schema: { tags: ['svix'], operationId: 'svixAppPortalAccess', response: { ...svixErrors, 501: SvixHttpError }, summary: "A link to Hookline's portal for one application (not yet served: 501)", params: AppParams, body: Type.Optional(Type.Object({})) },
    },
    async (req) => {
      const { business } = await resolveApp(ctx, req, req.params.app_id);
      throw new HooklineError('NOT_IMPLEMENTED', `Hookline's embeddable portal is not served by this version, so there is no portal link for application "${business.id}" yet; its business's webhooks are in the dashboard at /.`);
    },
  );
}
