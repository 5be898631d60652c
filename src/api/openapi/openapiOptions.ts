import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { errorStatusesOf, type RouteTraits } from './errorStatuses.js';
import { TRAIT_STATUSES, declareErrorResponses } from './errorResponses.js';
import { hoistNamedSchemas } from './namedSchemas.js';

/**
 * How /openapi.json is made (docs/api.md#the-openapi-document): @fastify/swagger reads every
 * route's schema; `transform` notes, per route, the error statuses its traits allow; then the
 * finished document gets named schemas and shared error responses. A route added later is
 * described the same way without listing its refusals.
 */
export function openapiOptions(version: string): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Hookline API',
        version,
        description:
          'Outbound webhooks: businesses subscribe endpoints to events; Hookline delivers them signed, retried and logged. ' +
          "`/v1` is Hookline's own API (errors are `application/problem+json`); `/api/v1` is Svix's REST API over the same data, in Svix's shapes.",
        license: { name: 'MIT', identifier: 'MIT' },
      },
      // Relative: the document describes the server that serves it, at whatever address it is reached.
      servers: [{ url: '/', description: 'The Hookline server serving this document' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An admin token, or a business token for one business.' } } },
      security: [{ bearer: [] }],
    },
    // Shared schemas (addSchema) are named by their $id in components, not def-0, def-1, ….
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transform: ({ schema, url, route }) => {
      if (!schema || schema.hide) return { schema, url };
      return { schema: { ...schema, [TRAIT_STATUSES]: errorStatusesOf(route as RouteTraits) }, url };
    },
    transformObject: (input) => {
      const doc = ('openapiObject' in input ? input.openapiObject : input.swaggerObject) as unknown as Record<string, unknown>;
      hoistNamedSchemas(doc);
      declareErrorResponses(doc);
      return doc as never;
    },
  };
}
