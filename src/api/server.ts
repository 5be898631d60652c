import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { AppContext } from '../app.js';
import { HooklineError } from '../errors.js';
import { sendProblem, toHooklineError } from './problem.js';
import { Problem } from './schemas.js';
import { registerAuth } from './authenticate.js';
import { businessRoutes } from './routes/businesses.js';
import { tokenRoutes } from './routes/tokens.js';
import { filterTestRoutes } from './routes/filterTest.js';
import { transformationSimulateRoutes } from './routes/transformationSimulate.js';
import { webhookRoutes } from './routes/webhooks.js';
import { eventRoutes } from './routes/events.js';
import { deliveryRoutes } from './routes/deliveries.js';
import { listenerRoutes } from './routes/listeners.js';
import { catalogRoutes } from './routes/eventTypes.js';
import { systemRoutes } from './routes/system.js';
import { vcitaRoutes } from './routes/vcita.js';
import { registerServerTiming } from './serverTiming.js';
import { whoamiRoutes } from './routes/whoami.js';
import { overviewRoutes } from './routes/overview.js';
import { wirePreviewRoutes } from './routes/wirePreview.js';
import { inspectorRoutes } from './routes/inspector.js';
import { uiRoutes } from './routes/ui.js';
import { portalRoutes } from './routes/portal.js';
import { PortalAuth } from '../auth/PortalAuth.js';
import { requestValidatorCompiler } from './validatorCompiler.js';
import { registerJsonBody } from './jsonBody.js';
import { svixApi, SVIX_PREFIX } from './svix/plugin.js';
import { openapiOptions } from './openapi/openapiOptions.js';
import { answerClientError } from './clientError.js';
import { sendSvixError } from './svix/svixErrors.js';

/** Default body limit; the batch route raises its own. */
export const BODY_LIMIT = 1024 * 1024;

export async function buildServer(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log.child({ component: 'api' }) as FastifyBaseLogger,
    // A line per request would cost more than the request at publishing rates; errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    // Header and URL sizes are bounded by Node's own parser (16 KiB of headers).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Requests refused by Node's HTTP parser are problem+json too.
    clientErrorHandler: answerClientError,
    // Failures found while routing (before any hook runs) are problem+json like every other error.
    frameworkErrors: (err, request, reply) => {
      const detail =
        err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? 'A path segment is longer than 200 characters; no id is that long.'
          : 'The URL cannot be decoded (a stray % or a character that must be percent-encoded).';
      const error = new HooklineError('BAD_REQUEST', detail);
      // Svix's API answers in its own shape even before routing (docs/svix.md).
      if (request.url.startsWith(`${SVIX_PREFIX}/`)) return sendSvixError(reply, error);
      return sendProblem(request, reply, error);
    },
  });

  // JSON in and out: a text/plain body is refused with 415 rather than failing validation later.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(requestValidatorCompiler());
  registerJsonBody(app);
  app.addSchema(Problem);
  await app.register(swagger, openapiOptions(ctx.version));
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.setErrorHandler((err, request, reply) => {
    const error = toHooklineError(err as Error);
    if (error.status >= 500) request.log.error({ err }, 'request failed');
    return sendProblem(request, reply, error);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new HooklineError('NOT_FOUND', `There is no route ${request.method} ${request.url.split('?')[0]}; GET /openapi.json lists the routes.`),
    ),
  );

  registerServerTiming(app);
  // The embeddable portal's cookie sessions (issue 14): one cache shared by the auth hook and the routes that revoke.
  const portalAuth = new PortalAuth(ctx.store);
  registerAuth(app, ctx, portalAuth);
  // Ajv coerces "Infinity" and "1e400" in a query string to Infinity and then lets it past
  // `integer` and `maximum` alike; the stores cannot take it.
  app.addHook('preHandler', async (request) => {
    for (const [name, value] of Object.entries((request.query as Record<string, unknown> | undefined) ?? {})) {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new HooklineError('VALIDATION_FAILED', `/querystring/${name}: must be a finite number`);
      }
    }
  });
  await app.register(systemRoutes(ctx));
  await app.register(catalogRoutes(ctx));
  await app.register(businessRoutes(ctx));
  await app.register(tokenRoutes(ctx));
  await app.register(webhookRoutes(ctx));
  await app.register(filterTestRoutes(ctx));
  await app.register(transformationSimulateRoutes(ctx));
  await app.register(eventRoutes(ctx));
  await app.register(deliveryRoutes(ctx));
  await app.register(listenerRoutes(ctx));
  await app.register(vcitaRoutes(ctx));
  await app.register(whoamiRoutes(ctx));
  await app.register(overviewRoutes(ctx));
  await app.register(wirePreviewRoutes(ctx));
  await app.register(inspectorRoutes(ctx));
  await app.register(uiRoutes(ctx));
  await app.register(portalRoutes(ctx, portalAuth));
  // Svix's REST API (docs/svix.md): its own shapes and errors under /api/v1.
  await app.register(svixApi(ctx), { prefix: SVIX_PREFIX });
  return app;
}
