import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';

/**
 * The address links handed out by this server start with: HOOKLINE_PUBLIC_URL when set (a
 * proxy in front knows better), otherwise the scheme and host this request came in on.
 */
export function publicBaseUrl(config: Pick<Config, 'publicUrl'>, req: FastifyRequest): string {
  return config.publicUrl?.replace(/\/+$/, '') ?? `${req.protocol}://${req.host}`;
}
