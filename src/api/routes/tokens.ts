import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app.js';
import { HooklineError } from '../../errors.js';
import { hashToken } from '../../auth/hashToken.js';
import { tokenPrefix } from '../../auth/tokenPrefix.js';
import { newToken, newTokenId } from '../../ids.js';
import { iso } from '../present.js';
import { BusinessParams, problemResponses } from '../schemas.js';
import { CreateToken, IssuedToken, TokenList, TokenParams } from '../tokenSchemas.js';
import type { TokenRow } from '../../store/Store.js';

const tags = ['tokens'];
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/**
 * A business's (staff) tokens: issued, listed and revoked by the admin. A revoked token is
 * refused at once by this process and within TOKEN_CACHE_MS by every other (src/auth/TokenAuth.ts).
 */
export const tokenRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    app.post<{ Params: { b: string }; Body: CreateToken }>(
      '/v1/businesses/:b/tokens',
      {
        config: { adminOnly: true },
        schema: {
          operationId: 'createToken',
          tags,
          summary: 'Issue a business (staff) token; the token is shown once (admin token)',
          params: BusinessParams,
          body: CreateToken,
          response: { 201: IssuedToken, ...problemResponses },
        },
      },
      async (req, reply) => {
        const now = Date.now();
        const expiresAt = parseExpiry(req.body?.expires_at, now);
        const token = newToken('business');
        const row = {
          id: newTokenId(),
          business_id: req.params.b,
          name: req.body?.name ?? null,
          prefix: tokenPrefix(token),
          created_at: now,
          expires_at: expiresAt,
        };
        await ctx.store.createToken({ ...row, token_hash: hashToken(token) });
        return reply.code(201).send({ id: row.id, token, name: row.name, business: row.business_id, created_at: iso(now), expires_at: isoOrNull(expiresAt) });
      },
    );

    app.get<{ Params: { b: string } }>(
      '/v1/businesses/:b/tokens',
      {
        config: { adminOnly: true },
        schema: { operationId: 'listTokens', tags, summary: "A business's tokens, oldest first; never the tokens themselves (admin token)", params: BusinessParams, response: { 200: TokenList, ...problemResponses } },
      },
      async (req) => ({ data: (await ctx.store.listTokens(req.params.b)).map(presentToken) }),
    );

    app.delete<{ Params: { b: string; id: string } }>(
      '/v1/businesses/:b/tokens/:id',
      {
        config: { adminOnly: true },
        schema: { operationId: 'revokeToken', tags, summary: 'Revoke a business token (admin token)', params: TokenParams, response: { 204: Type.Null(), ...problemResponses } },
      },
      async (req, reply) => {
        if (!(await ctx.store.deleteToken(req.params.b, req.params.id))) {
          throw new HooklineError('TOKEN_NOT_FOUND', `Business "${req.params.b}" has no token "${req.params.id}"; list its tokens with GET /v1/businesses/${req.params.b}/tokens.`);
        }
        ctx.auth.forget(req.params.id);
        // A `hookline listen` stream opened with it ends now, not at its next keepalive.
        ctx.listeners.recheck();
        return reply.code(204).send();
      },
    );
  };

function parseExpiry(given: string | undefined, now: number): number | null {
  if (given === undefined) return null;
  const ms = Date.parse(given);
  if (!Number.isFinite(ms)) throw new HooklineError('INVALID_TOKEN_EXPIRY', `expires_at "${given}" is not a time; send ISO 8601 with a time zone, e.g. 2030-01-31T00:00:00Z.`);
  if (ms <= now) throw new HooklineError('INVALID_TOKEN_EXPIRY', `expires_at ${given} is not in the future; send a later time, or none for a token that does not expire.`);
  return ms;
}

function presentToken(t: TokenRow) {
  return { id: t.id, name: t.name, prefix: t.prefix, created_at: iso(t.created_at), last_used_at: isoOrNull(t.last_used_at), expires_at: isoOrNull(t.expires_at) };
}
