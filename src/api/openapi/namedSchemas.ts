import { isDeepStrictEqual } from 'node:util';

type Json = Record<string, unknown>;

const SCHEMAS = '#/components/schemas/';
const VALUE_KEYWORDS = new Set(['example', 'examples', 'default', 'const', 'enum']);

/**
 * Every schema with a `title` becomes `components.schemas[title]` and is referenced with
 * `$ref` wherever it appears, so generated clients get one named type per shape (Webhook,
 * Delivery, …) instead of an anonymous copy per operation. The route schemas stay inline, as
 * Fastify validates and serialises them; only the document changes. Two different shapes
 * under one title are a mistake in the route schemas, reported by name.
 */
export function hoistNamedSchemas(doc: Json): void {
  const components = (doc.components ??= {}) as Json;
  const schemas = (components.schemas ??= {}) as Record<string, Json>;

  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) {
      // Values, not schemas: an example may well have a "title".
      if (VALUE_KEYWORDS.has(key)) out[key] = value;
      // `properties` maps names to schemas: a property called "title" is no title.
      else out[key] = key === 'properties' || key === 'patternProperties' ? mapValues(value, visit) : visit(value);
    }
    const title = out.title;
    if (typeof title !== 'string' || !isSchema(out)) return out;
    const existing = schemas[title];
    if (existing && !isDeepStrictEqual(existing, out)) {
      throw new Error(`Two different schemas are titled "${title}" in the route schemas; give one of them another title.`);
    }
    schemas[title] = out;
    return { $ref: SCHEMAS + title };
  };

  // Schemas already in components (shared with addSchema) may hold titled parts too.
  for (const [name, schema] of Object.entries({ ...schemas })) {
    const { title: _title, ...rest } = schema;
    schemas[name] = { ...(visit(rest) as Json), ...(schema.title === undefined ? {} : { title: schema.title }) };
  }
  doc.paths = visit(doc.paths);
}

function mapValues(value: unknown, fn: (v: unknown) => unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fn(value);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fn(v)]));
}

/** An object that describes values, as opposed to an operation or a response with a title. */
function isSchema(node: Json): boolean {
  return ['type', 'properties', 'anyOf', 'oneOf', 'allOf', 'items', 'additionalProperties', 'enum', 'const', '$ref'].some((k) => k in node);
}
