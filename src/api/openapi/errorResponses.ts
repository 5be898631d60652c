import { STATUS_CODES } from 'node:http';
import { familyOf, TRANSPORT_STATUSES, type ApiFamily } from './errorStatuses.js';

/* The error answers of the OpenAPI document: one shared response per family and status, in
 * `components.responses`, with the media type the server really sends. Runs after
 * hoistNamedSchemas, so the error shapes are already references. */

export const PROBLEM_SCHEMA = '#/components/schemas/Problem';
const SVIX_ERROR = '#/components/schemas/SvixHttpError';
const SVIX_VALIDATION_ERROR = '#/components/schemas/SvixHttpValidationError';
const PROBLEM_JSON = 'application/problem+json';

type Json = Record<string, unknown>;
export interface OpenApiOperation {
  operationId?: string;
  responses?: Record<string, Json>;
  [key: string]: unknown;
}

/** Where each operation carries the statuses its route's traits allow (see openapiOptions). */
export const TRAIT_STATUSES = 'x-hookline-error-statuses';

const HEADERS: Record<number, Json> = {
  401: { 'WWW-Authenticate': { description: 'Always `Bearer`.', schema: { type: 'string' } } },
  503: { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } } },
};

const WHY: Record<number, string> = {
  400: 'The request is malformed: the detail names the field or part to fix.',
  401: 'No bearer token, or one that is not valid or has expired.',
  403: 'This token may not do this: an admin-only route, or a read-only portal session.',
  404: 'No such object, or the token does not reach it.',
  408: 'The request did not arrive in time; the connection is closed.',
  409: 'The request conflicts with what exists.',
  413: 'The body is over the route\'s limit.',
  415: 'The body is not JSON.',
  422: 'The request is well-formed but cannot be done as asked: the detail says why.',
  431: 'The request headers are over 16 KiB; the connection is closed.',
  503: 'The database cannot serve this right now; nothing was changed, try again shortly.',
};

function responseName(family: ApiFamily, status: number): string {
  const words = (STATUS_CODES[status] ?? `Status ${status}`).replace(/[^A-Za-z ]/g, '').split(' ');
  const name = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join('');
  return family === 'svix' ? `Svix${name}` : name;
}

function schemaOf(response: Json | undefined): Json | undefined {
  const content = response?.content as Record<string, { schema?: Json }> | undefined;
  return content?.['application/json']?.schema;
}

/** A response of the route's own schema that says "the family's usual error" rather than something special. */
function isStandardError(family: ApiFamily, response: Json | undefined): boolean {
  const schema = schemaOf(response);
  if (!schema) return false;
  if (family === 'svix') return schema.$ref === SVIX_ERROR || schema.$ref === SVIX_VALIDATION_ERROR;
  return family === 'hookline' && schema.$ref === PROBLEM_SCHEMA;
}

function sharedResponse(family: ApiFamily, status: number): Json {
  const problem = { schema: { $ref: PROBLEM_SCHEMA } };
  const svix = { schema: { $ref: status === 422 ? SVIX_VALIDATION_ERROR : SVIX_ERROR } };
  const content: Json =
    family !== 'svix'
      ? { [PROBLEM_JSON]: problem }
      : status === 400
        ? // Svix's shape from the routes; problem+json when the HTTP layer refuses the request first.
          { 'application/json': svix, [PROBLEM_JSON]: problem }
        : { 'application/json': svix };
  return { description: WHY[status] ?? STATUS_CODES[status] ?? 'Error', ...(HEADERS[status] ? { headers: HEADERS[status] } : {}), content };
}

/**
 * Gives every operation the error statuses its route's traits allow, and turns each standard
 * error answer into a reference to one shared response. Responses a route declares in a shape
 * of its own (vcita's) stay as they are.
 */
export function declareErrorResponses(doc: Json): void {
  const components = (doc.components ??= {}) as Json;
  const shared = (components.responses ??= {}) as Record<string, Json>;
  const paths = (doc.paths ?? {}) as Record<string, Record<string, OpenApiOperation>>;
  for (const [path, operations] of Object.entries(paths)) {
    const family = familyOf(path);
    for (const op of Object.values(operations)) {
      const responses = (op.responses ??= {});
      const traitStatuses = (op[TRAIT_STATUSES] as number[] | undefined) ?? [];
      delete op[TRAIT_STATUSES];
      const statuses = new Set<number>(traitStatuses);
      // vcita answers its own refusals; only the HTTP layer's reach it in the shared shape.
      if (family === 'vcita') for (const s of [...statuses]) if (!(TRANSPORT_STATUSES as readonly number[]).includes(s)) statuses.delete(s);
      for (const [key, response] of Object.entries(responses)) {
        const status = Number(key);
        if (status >= 400 && isStandardError(family, response)) statuses.add(status);
      }
      for (const status of statuses) {
        if (responses[String(status)] && !isStandardError(family, responses[String(status)])) continue;
        // A timeout or oversized headers are refused before Svix's routes run, so in Hookline's shape.
        const shape = family === 'svix' && (status === 408 || status === 431) ? 'hookline' : family;
        const name = responseName(shape, status);
        shared[name] ??= sharedResponse(shape, status);
        responses[String(status)] = { $ref: `#/components/responses/${name}` };
      }
      // Statuses in ascending order, as a reader scans them.
      op.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
}
