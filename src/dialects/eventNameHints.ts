import type { Dialect } from './Dialect.js';

/*
 * What the API tells a caller about a dialect's event names. Kept beside the dialects so the
 * API code needs no knowledge of any one of them.
 */

/**
 * One sentence listing what a webhook of `dialect` may subscribe to, for error details; empty
 * for a dialect that speaks the catalogue's own names (the error already points there).
 */
export function allowedEventsHint(dialect: Dialect): string {
  if (!dialect.eventNames) return '';
  const names = [...dialect.eventNames].map(([name, type]) => (name === type ? name : `${name} (${type})`));
  const aliases = dialect.name === 'vcita' ? '; the aliases lead, account, appointment, engagement and create/update spellings are accepted too' : '';
  return ` The ${dialect.name} dialect accepts: ${names.join(', ')}, or the catalogue types in brackets${aliases}.`;
}

/**
 * A fixed-vocabulary dialect cannot carry every type a wildcard would let through (Opus1 has
 * no `client/deleted`), so `*` and `entity/*` become the exact types it can express. Returns
 * the expanded list and the wildcards that expanded to nothing.
 */
export function expandFilters(dialect: Dialect, filters: readonly string[]): { filters: string[]; empty: string[] } {
  if (!dialect.eventNames) return { filters: [...filters], empty: [] };
  const types = [...dialect.eventNames.values()];
  const out = new Set<string>();
  const empty: string[] = [];
  for (const f of filters) {
    if (f !== '*' && !f.endsWith('/*')) {
      out.add(f);
      continue;
    }
    const prefix = f === '*' ? '' : f.slice(0, -1);
    const matched = types.filter((t) => t.startsWith(prefix));
    if (matched.length === 0) empty.push(f);
    for (const t of matched) out.add(t);
  }
  return { filters: [...out], empty };
}
