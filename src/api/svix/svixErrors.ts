import type { FastifyReply } from 'fastify';
import { HooklineError } from '../../errors.js';
import { toHooklineError } from '../problem.js';

/** One finding of a 422, as Svix reports it: where (`["body", "url"]`), what, and a kind. */
export interface SvixValidationItem {
  loc: string[];
  msg: string;
  type: string;
}

/**
 * Svix's own codes by status: SDK users branch on the status and read `code`, so these follow
 * Svix's spelling; Hookline's catalogue code is sent beside it for anyone who wants it.
 */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'authentication_failed',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  501: 'not_implemented',
  503: 'service_unavailable',
};

/** Hookline's field names where Svix's differ. */
const SVIX_FIELD: Record<string, string> = { events: 'filterTypes', rate_limit: 'rateLimit' };

/** A JSON pointer (`/body/url`) as Svix's `loc` (`["body", "url"]`). */
function locOf(pointer: string): string[] {
  const parts = pointer.split('/').filter((p) => p !== '');
  return parts.length === 0 ? ['body'] : parts;
}

/** Ajv's findings, from Fastify's validation error, as Svix's 422 items. */
function validationItems(err: HooklineError): SvixValidationItem[] {
  const errors = err.extensions.errors as { pointer: string; message: string }[] | undefined;
  if (!errors || errors.length === 0) {
    // Hookline's details start with the field they are about ("url: …"), Hookline's name for it.
    const field = /^([a-z_]+): /.exec(err.message)?.[1];
    return [{ loc: field ? ['body', SVIX_FIELD[field] ?? field] : ['body'], msg: err.message, type: 'value_error' }];
  }
  return errors.map((e) => ({ loc: locOf(e.pointer), msg: e.message, type: 'value_error' }));
}

/** A 422 raised by the Svix routes themselves, naming the field to fix. */
export function invalidField(loc: string[], msg: string): HooklineError {
  return new HooklineError('VALIDATION_FAILED', `${loc.join('.')}: ${msg}`, { errors: [{ pointer: '/' + loc.join('/'), message: msg }] });
}

/**
 * Every error under /api/v1 in Svix's shape, which the SDK parses for any 4xx: problem+json
 * never leaves this API. Request validation failures and Hookline's 422s become Svix's 422
 * list; everything else is `{code, detail}`.
 */
export function sendSvixError(reply: FastifyReply, error: Error): FastifyReply {
  const e = toHooklineError(error);
  if (e.status === 401) reply.header('www-authenticate', 'Bearer');
  if (e.code === 'STORE_UNAVAILABLE') reply.header('retry-after', '2');
  // Schema failures are 400 in Hookline's API and 422 in Svix's.
  const asValidation = e.status === 422 || e.code === 'VALIDATION_FAILED' || e.code === 'BODY_TOO_DEEP';
  if (asValidation) {
    return reply.code(422).type('application/json').send({ detail: validationItems(e) });
  }
  return reply
    .code(e.status)
    .type('application/json')
    .send({ code: CODE_BY_STATUS[e.status] ?? (e.status >= 500 ? 'server_error' : 'bad_request'), detail: e.message, hooklineCode: e.code });
}
