import { api } from './api.js';
import type { EventType } from './types.js';

let cached: Promise<EventType[]> | null = null;

/** The catalogue changes only when an admin registers a type; one read per page load is enough. */
export function loadCatalog(): Promise<EventType[]> {
  cached ??= api<{ data: EventType[] }>('GET', '/v1/event-types').then(
    (r) => r.data,
    (err) => {
      cached = null;
      throw err;
    },
  );
  return cached;
}

/** A type's name on the wire in `dialect` (a trigger, a topic, `Customer.create`), else the type itself. */
export function wireName(catalog: EventType[] | undefined, type: string, dialect: string): string {
  return catalog?.find((t) => t.type === type)?.names[dialect] ?? type;
}

export function dialectsOf(catalog: EventType[] | undefined): string[] {
  const first = catalog?.[0];
  return first ? Object.keys(first.names) : ['standard'];
}
