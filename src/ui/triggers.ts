import type { EventType } from './types.js';

/** `*` or `entity/*`: the filters that select a group of types rather than one. */
export const isWildcard = (filter: string): boolean => filter === '*' || filter.endsWith('/*');

/** The types a filter selects among `types` (the ones the chosen dialect carries). */
export function covered(filter: string, types: EventType[]): EventType[] {
  if (filter === '*') return types;
  if (filter.endsWith('/*')) {
    const prefix = filter.slice(0, -1);
    return types.filter((t) => t.type.startsWith(prefix));
  }
  return types.filter((t) => t.type === filter);
}

/** `*` first, then one `entity/*` per entity that has at least one type the dialect carries. */
export function wildcardsOf(types: EventType[]): string[] {
  const entities = [...new Set(types.map((t) => t.type.split('/')[0]!))].sort();
  return ['*', ...entities.map((e) => `${e}/*`)];
}

/**
 * Search looks at names only: the catalogue type and its name in the chosen dialect. Searching
 * descriptions too made "client" select 35 types, `payment/*` among them, since most
 * descriptions mention a client (issue 14).
 */
export function matchesName(t: EventType, dialect: string, q: string): boolean {
  return !q || t.type.toLowerCase().includes(q) || (t.names[dialect] ?? '').toLowerCase().includes(q);
}

/** The wildcard in `selected` that already covers `type`, if any (the broadest first). */
export function coveredBy(type: string, selected: Set<string>): string | null {
  if (selected.has('*')) return '*';
  const group = `${type.split('/')[0]}/*`;
  return selected.has(group) ? group : null;
}
