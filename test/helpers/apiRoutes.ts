import type { ApiClient } from './hookline.js';

/** One operation of the OpenAPI document: what the isolation matrix and the fuzzer walk. */
export interface RouteOp {
  method: string;
  /** As the document spells it: `/v1/businesses/{b}/webhooks/{id}`. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  body: JsonSchema | null;
}

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  format?: string;
  minimum?: number;
  enum?: unknown[];
  const?: unknown;
};

/** Every operation `/openapi.json` lists, so routes added later are covered without editing the tests. */
export async function listRoutes(api: ApiClient): Promise<RouteOp[]> {
  const doc = (await api('GET', '/openapi.json', undefined, null)).body as {
    paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
    components?: { schemas?: Record<string, JsonSchema> };
  };
  const named = doc.components?.schemas ?? {};
  const out: RouteOp[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = op.parameters ?? [];
      out.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        body: inlined(op.requestBody?.content?.['application/json']?.schema ?? null, named),
      });
    }
  }
  return out;
}

/** A schema with its `#/components/schemas/…` references replaced by what they name, for walking it. */
export function inlined(schema: JsonSchema | null, named: Record<string, JsonSchema>, depth = 0): JsonSchema | null {
  if (schema === null || typeof schema !== 'object') return schema;
  if (depth > 20) throw new Error('schema references nest more than 20 deep: a cycle?');
  if (schema.$ref?.startsWith('#/components/schemas/')) {
    const target = named[schema.$ref.slice('#/components/schemas/'.length)];
    if (!target) throw new Error(`${schema.$ref} is not in the document`);
    return inlined(target, named, depth + 1);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties') out[key] = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, inlined(v, named, depth + 1)]));
    else if (key === 'items') out[key] = inlined(value as JsonSchema, named, depth + 1);
    else if (key === 'anyOf' || key === 'oneOf') out[key] = (value as JsonSchema[]).map((v) => inlined(v, named, depth + 1));
    else out[key] = value;
  }
  return out as JsonSchema;
}

/** The kind of resource a path's `{id}` names: the collection segment before it. */
export function idKind(path: string): string | null {
  const m = /\/([a-z_-]+)\/\{id\}/.exec(path);
  return m ? m[1]! : null;
}

export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? 'x'));
}

/** A body that satisfies the schema's required fields with plain values; enough to get past validation. */
export function exampleOf(schema: JsonSchema | null | undefined): unknown {
  if (!schema) return undefined;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return exampleOf(alternatives.find((s) => s.type !== 'null') ?? alternatives[0]);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? []) out[name] = exampleOf(schema.properties?.[name]);
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => exampleOf(schema.items));
    case 'string':
      return schema.format === 'date-time' ? '2020-01-01T00:00:00Z' : schema.format === 'uri' ? 'https://example.com/' : 'x';
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 1);
    case 'boolean':
      return true;
    default:
      return {};
  }
}

/**
 * The vcita contract (seed 003, DESIGN.md) answers refusals on /platform/ routes with
 * `500 {"response": "Not Subscribed"}`, as that platform does; every other 5xx is a bug.
 */
export function isServerError(path: string, status: number, body: unknown): boolean {
  if (status < 500) return false;
  const vcitaRefusal = path.startsWith('/platform/') && status === 500 && (body as { response?: unknown } | null)?.response === 'Not Subscribed';
  return !vcitaRefusal;
}
