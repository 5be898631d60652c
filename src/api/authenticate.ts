import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app.js';
import { HooklineError } from '../errors.js';
import { TokenAuth, type Principal } from '../auth/TokenAuth.js';
import { PORTAL_COOKIE, PORTAL_HEADER, readCookie, type PortalAuth } from '../auth/PortalAuth.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** false: the route is public (health, docs, the catalogue). */
    auth?: boolean;
    /** The route needs the admin (directory) token. */
    adminOnly?: boolean;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Every route needs a bearer token unless it says `auth: false`. A route under
 * /businesses/{b} is answered only when the token reaches that business; anything else is a
 * 404, so a business token cannot even learn which other businesses exist.
 */
export function registerAuth(app: FastifyInstance, ctx: AppContext, portalAuth: PortalAuth): void {
  const knownBusinesses = new Set<string>();
  app.decorateRequest('principal', null);

  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    const url = request.routeOptions.url;
    // The browsable docs are registered by @fastify/swagger-ui, which cannot carry our route config.
    if (config.auth === false || !url || url === '/docs' || url.startsWith('/docs/')) return;
    const header = request.headers.authorization;
    const match = header ? BEARER.exec(header) : null;
    const principal = match ? await bearerPrincipal(ctx, match[1]!) : await portalPrincipal(request.headers, portalAuth);
    request.principal = principal;
    // Here, before the body is parsed or validated: a request aimed at a business the token
    // does not reach is a 404 whatever it carries, never a 400 that describes the route.
    const b = (request.params as { b?: string } | undefined)?.b;
    if (b !== undefined && !TokenAuth.reaches(principal, b)) throw notFound(b);
    if (config.adminOnly && principal.kind !== 'admin') {
      const who = principal.kind === 'portal' ? 'the webhooks portal' : 'a business token';
      throw new HooklineError('FORBIDDEN', `This needs the admin token; ${who} cannot do it.`);
    }
    if (principal.kind === 'portal' && principal.readOnly && request.method !== 'GET' && request.method !== 'HEAD') {
      throw new HooklineError('PORTAL_READ_ONLY', 'This portal session is read-only: it can look but not change anything. Ask the platform for a session without read_only.');
    }
    if (b === undefined || knownBusinesses.has(b)) return;
    // Businesses are never deleted, so once seen it need not be looked up again.
    if (!(await ctx.store.getBusiness(b))) throw notFound(b);
    knownBusinesses.add(b);
  });
}

async function bearerPrincipal(ctx: AppContext, token: string): Promise<Principal> {
  const checked = await ctx.auth.check(token);
  if (!checked.ok && checked.expiredAt !== null) {
    throw new HooklineError('TOKEN_EXPIRED', `The bearer token expired at ${new Date(checked.expiredAt).toISOString()}; ask an admin for a new one.`);
  }
  if (!checked.ok) throw new HooklineError('UNAUTHORIZED', 'The bearer token is not valid (mistyped, or revoked); check it was copied whole, or issue a new one.');
  return checked.principal;
}

/**
 * Without a bearer token, the embeddable portal's cookie (issue 14), on requests that carry
 * the portal header: a cross-site page can make a browser send the cookie, but not the header.
 */
async function portalPrincipal(headers: Record<string, string | string[] | undefined>, portalAuth: PortalAuth): Promise<Principal> {
  const cookie = headers[PORTAL_HEADER] === '1' ? readCookie(headers.cookie as string | undefined, PORTAL_COOKIE) : null;
  if (cookie === null) throw new HooklineError('UNAUTHORIZED', 'Send Authorization: Bearer <token> with an admin or business token.');
  const checked = await portalAuth.check(cookie);
  if (!checked.ok) throw new HooklineError('UNAUTHORIZED', 'This portal session has ended (it expired or was revoked); open Webhooks again from the app you came from.');
  return checked.principal;
}

function notFound(b: string): HooklineError {
  return new HooklineError('BUSINESS_NOT_FOUND', `No business "${b}" is reachable with this token.`);
}
