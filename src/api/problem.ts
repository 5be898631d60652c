import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HooklineError, errorCatalog, type ErrorCode } from '../errors.js';
import { isStoreUnavailable } from '../store/storeErrors.js';

import { collapseUnions, type ValidationItem } from './collapseUnions.js';

/** Ajv's findings as JSON pointers into the request and sentences a person can act on. */
function describeValidation(context: string, items: ValidationItem[]): { pointer: string; message: string }[] {
  return collapseUnions(items).map((v) => {
    const pointer = `/${context}${v.instancePath}`;
    if (v.keyword === 'additionalProperties') {
      return { pointer, message: `unknown field "${String(v.params.additionalProperty)}"; remove it (see /docs for the fields this route takes)` };
    }
    if (v.keyword === 'required') return { pointer, message: `missing required field "${String(v.params.missingProperty)}"` };
    if (v.keyword === 'enum' || v.keyword === 'const') {
      return { pointer, message: `${v.message ?? 'invalid value'}${v.params.allowedValues ? `: ${JSON.stringify(v.params.allowedValues)}` : ''}` };
    }
    return { pointer, message: v.message ?? 'is invalid' };
  });
}

/** Fastify's own error codes, for failures that happen before a route runs. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
};

export function toHooklineError(err: FastifyError | Error): HooklineError {
  if (err instanceof HooklineError) return err;
  const fe = err as FastifyError & { validation?: ValidationItem[]; validationContext?: string };
  if (fe.validation) {
    const errors = describeValidation(fe.validationContext ?? 'body', fe.validation);
    return new HooklineError('VALIDATION_FAILED', errors.map((e) => `${e.pointer}: ${e.message}`).join('; '), { errors });
  }
  const mapped = fe.code ? fastifyCodes[fe.code] : undefined;
  if (mapped === 'BODY_TOO_LARGE') return new HooklineError(mapped, 'The request body is larger than this route accepts; send fewer events per batch (at most 1000) or smaller data.');
  if (mapped === 'UNSUPPORTED_MEDIA_TYPE') return new HooklineError(mapped, 'Send the body as JSON with Content-Type: application/json.');
  if (mapped === 'INVALID_JSON' || (err instanceof SyntaxError && fe.statusCode === 400)) {
    return new HooklineError('INVALID_JSON', `The body is not valid JSON (${err.message}); send a JSON object.`);
  }
  if (mapped) return new HooklineError(mapped, err.message);
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return new HooklineError('BAD_REQUEST', err.message);
  // The stores map their own errors; this catches any raw driver error that slips past them.
  if (isStoreUnavailable(err)) {
    return new HooklineError('STORE_UNAVAILABLE', 'The database cannot store this right now; nothing was accepted, try again shortly.');
  }
  return new HooklineError('INTERNAL', 'Something went wrong on the server; the error is logged. Nothing you sent was partly applied.');
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: HooklineError): FastifyReply {
  if (error.status === 401) reply.header('www-authenticate', 'Bearer');
  // The database is expected back soon (RFC 9110 §10.2.3); clients with a retry loop may use it.
  if (error.code === 'STORE_UNAVAILABLE') reply.header('retry-after', '2');
  return reply.code(error.status).type('application/problem+json').send(problemDocument(error, request.url.split('?')[0]));
}

/** The RFC 9457 document for an error; `instance` is the path it answers, when there is one. */
export function problemDocument(error: HooklineError, instance?: string): Record<string, unknown> {
  return {
    // A URN, not a URL: the code names the problem, and docs/errors.md explains each one.
    type: `urn:hookline:error:${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: error.title,
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(instance === undefined ? {} : { instance }),
    ...error.extensions,
  };
}

export const knownErrorCodes = Object.keys(errorCatalog) as ErrorCode[];
