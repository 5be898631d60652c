import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app.js';
import { HooklineError } from '../../errors.js';
import { loadUiAssets, UI_DIR, type Asset } from '../uiAssets.js';

/**
 * The page holds no data: every API call it makes carries the token the user typed. So
 * neither the page nor its assets need auth. The CSP allows only this origin, which is what
 * lets the dashboard run offline and keeps an injected script from calling anywhere else.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const MISSING = `<!doctype html><meta charset="utf-8"><title>Hookline</title>
<p>The dashboard has not been built. Run <code>npm run build</code> (or <code>npm run build:ui</code>) and restart Hookline.
The API is at <a href="/docs">/docs</a>.</p>`;

export const uiRoutes =
  (_ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    const assets = loadUiAssets();
    if (!assets) app.log.warn({ dir: UI_DIR }, 'dashboard not built; / serves a note saying so');

    const send = (req: FastifyRequest, reply: FastifyReply, asset: Asset, cache: string) => {
      reply.headers(SECURITY_HEADERS).header('etag', asset.etag).header('cache-control', cache).type(asset.type);
      if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
      return reply.send(asset.body);
    };

    app.get('/', { config: { auth: false }, schema: { hide: true } }, async (req, reply) => {
      const index = assets?.get('index.html');
      if (!index) return reply.headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(MISSING);
      // Revalidated on every load: it names the current hashed bundles.
      return send(req, reply, index, 'no-cache');
    });

    app.get<{ Params: { file: string } }>('/ui/:file', { config: { auth: false }, schema: { hide: true } }, async (req, reply) => {
      const asset = req.params.file === 'index.html' ? undefined : assets?.get(req.params.file);
      if (!asset) throw new HooklineError('NOT_FOUND', `No dashboard file "${req.params.file}".`);
      // Bundle names carry a content hash, so a cached copy can never be stale.
      const hashed = /-[A-Z0-9]{8,}\./i.test(req.params.file);
      return send(req, reply, asset, hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    });
  };
