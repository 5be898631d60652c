import type { Dialect } from './Dialect.js';
import { standardDialect } from './standard.js';
import { opus1Dialect } from './opus1.js';
import { upodiDialect } from './upodi.js';
import { hapanaDialect } from './hapana.js';
import { wellnessLivingDialect } from './wellnessLiving.js';
import { vcitaDialect } from './vcita.js';
import { svixDialect } from './svix.js';

/** Every wire format by name. The sender looks dialects up here and knows none of them itself. */
const dialects = new Map<string, Dialect>(
  [standardDialect, opus1Dialect, upodiDialect, hapanaDialect, wellnessLivingDialect, vcitaDialect, svixDialect].map((d) => [d.name, d]),
);

const dialectHeaders = new Set([...dialects.values()].flatMap((d) => d.headerNames));

export const dialectNames = (): string[] => [...dialects.keys()];

export function findDialect(name: string): Dialect | undefined {
  return dialects.get(name);
}

/** True for a header some dialect sets itself; a webhook's custom headers may not use it. */
export function isDialectHeader(name: string): boolean {
  return dialectHeaders.has(name.toLowerCase());
}

/** Names in `names` that belong to dialects other than `current`, said so, e.g. for a trigger used with the wrong dialect. */
export function foreignNamesHint(names: readonly string[], current: string): string {
  const notes: string[] = [];
  for (const name of names) {
    for (const d of dialects.values()) {
      const type = d.name === current || !d.eventNames ? null : d.catalogType(name);
      if (type && type !== name) notes.push(`"${name}" is the ${d.name} dialect's name for ${type}`);
    }
  }
  return notes.length > 0 ? ` ${notes.join('; ')}.` : '';
}

export type { Dialect, RenderInput, RenderedRequest, DialectWebhook } from './Dialect.js';
export type { FieldRule, MappingTable, Unrepresentable } from './fieldMapping.js';
export { isUnrepresentable } from './fieldMapping.js';
export { signingSecrets } from './Dialect.js';
export { allowedEventsHint, expandFilters } from './eventNameHints.js';
