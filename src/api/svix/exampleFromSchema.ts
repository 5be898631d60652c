/**
 * The catalogue keeps an example for every type, checked against its schema; Svix's event
 * types often come without one. The schema's own `examples[0]` is used when it has one;
 * otherwise a smallest value is built from what the schema requires (each required property
 * with its `const`, first `enum` value, or a zero of its type). Schemas this cannot satisfy are
 * refused by the catalogue with a detail asking for `examples`.
 */
export function exampleFromSchema(schema: Record<string, unknown>, depth = 0): unknown {
  const examples = schema['examples'];
  if (Array.isArray(examples) && examples.length > 0) return examples[0];
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return schema['enum'][0];
  const type = Array.isArray(schema['type']) ? schema['type'][0] : schema['type'];
  if (depth > 8) return null;
  switch (type) {
    case 'string':
      return 'x'.repeat(typeof schema['minLength'] === 'number' ? schema['minLength'] : 0);
    case 'integer':
    case 'number':
      return typeof schema['minimum'] === 'number' ? schema['minimum'] : 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'array':
      return [];
    default: {
      const out: Record<string, unknown> = {};
      const properties = (schema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
      const required = Array.isArray(schema['required']) ? (schema['required'] as string[]) : [];
      for (const name of required) out[name] = exampleFromSchema(properties[name] ?? {}, depth + 1);
      return out;
    }
  }
}
