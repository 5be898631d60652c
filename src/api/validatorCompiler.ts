import { Ajv, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = formatsModule.default;

/**
 * Request validation with two Ajv instances. Query strings and path parameters arrive as text,
 * so they are coerced (`?limit=20` is a number). A JSON body already has its types, so it is
 * never coerced: with Fastify's default (`coerceTypes: 'array'`) `[[1]]` passed as a
 * retry schedule, `[5]` as a rate limit and `"true"` as a boolean, and a shape mistake became a
 * stored row that broke later reads (issue 12). A body of the wrong shape is a 400 naming the field.
 */
function ajvFor(coerceTypes: 'array' | false): Ajv {
  const ajv = new Ajv({
    coerceTypes,
    useDefaults: true,
    // Unknown fields are an error the caller should hear about, not something to drop silently.
    removeAdditional: false,
    allErrors: true,
    // TypeBox adds keywords of its own (`[Kind]`) and descriptions Ajv's strict mode would log.
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

export function requestValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const forBody = ajvFor(false);
  const forText = ajvFor('array');
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? forBody : forText;
    return ajv.compile(schema as object) as ValidateFunction;
  };
}
