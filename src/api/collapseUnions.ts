/** One of Ajv's findings, as Fastify hands them over. */
export interface ValidationItem {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/**
 * A value that fails a union (`anyOf`: "null or a list", "basic, bearer or oauth2") makes Ajv
 * report every branch's failure and then the union's: "must be null; must be array; must match
 * a schema in anyOf". A person needs one sentence. When a branch fits the value's kind and only
 * its details are wrong, those details are kept and the other branches' "must be …" dropped;
 * when none fits, the branches become one "must be null or array" (or "one of …" for
 * constants). Nested unions are read innermost first.
 */
export function collapseUnions(items: readonly ValidationItem[]): ValidationItem[] {
  let out = [...items];
  const unions = out.filter((i) => i.keyword === 'anyOf').sort((a, b) => b.instancePath.length - a.instancePath.length);
  for (const union of unions) {
    const path = union.instancePath;
    const within = (i: ValidationItem) => i !== union && (i.instancePath === path || i.instancePath.startsWith(`${path}/`));
    const branches = out.filter(within);
    const mismatches = branches.filter((i) => i.instancePath === path && (i.keyword === 'type' || i.keyword === 'const'));
    const details = branches.filter((i) => !mismatches.includes(i));
    const keep = (i: ValidationItem) => i !== union && !mismatches.includes(i);
    if (details.length > 0) {
      out = out.filter(keep);
      continue;
    }
    const first = out.indexOf(union);
    const merged: ValidationItem = { instancePath: path, keyword: 'anyOf', params: {}, message: alternatives(mismatches) };
    out = out.filter(keep);
    out.splice(Math.min(first, out.length), 0, merged);
  }
  return out;
}

function alternatives(mismatches: readonly ValidationItem[]): string {
  const types = mismatches.filter((i) => i.keyword === 'type').map((i) => String(i.params.type));
  const constants = mismatches.filter((i) => i.keyword === 'const').map((i) => JSON.stringify(i.params.allowedValue));
  const parts = [...new Set(types)].map((t) => (t === 'null' ? 'null' : `${/^[aeiou]/.test(t) ? 'an' : 'a'} ${t}`));
  if (constants.length > 0) parts.push(`one of ${constants.join(', ')}`);
  if (parts.length === 0) return 'matches none of the forms this field takes (see /docs)';
  return `must be ${parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`}`;
}
