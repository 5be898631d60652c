/**
 * Event type names are `entity/action`, lowercase. Each part starts with a letter or digit and
 * may then hold `_`, `.` or `-`, up to 64 characters. Lowercase only, compared byte for byte:
 * the filter match runs per event per webhook, so it must be a plain string comparison, and a
 * name echoed back must be the name the caller sent (no silent case folding).
 */
export const NAME_PART = '[a-z0-9][a-z0-9_.-]{0,63}';

const EVENT_TYPE_NAME = new RegExp(`^${NAME_PART}/${NAME_PART}$`);

export function isValidEventTypeName(name: string): boolean {
  return typeof name === 'string' && EVENT_TYPE_NAME.test(name);
}

/** The entity part of a name (`client` for `client/created`), or null when there is no `/`. */
export function entityOf(name: string): string | null {
  const slash = name.indexOf('/');
  return slash > 0 ? name.slice(0, slash) : null;
}

/**
 * Entities Hookline keeps for its own events (`webhook/test`; operational events such as
 * `hookline/webhook.disabled`, whose action part names what it is about with a dot), so a
 * custom type can never be mistaken for one of them.
 */
export const RESERVED_ENTITIES: ReadonlySet<string> = new Set(['webhook', 'hookline']);

/** Operational events: only Hookline publishes them (docs/reliability.md#operational-events). */
export const OPERATIONAL_ENTITY = 'hookline';

export function isOperationalType(type: string): boolean {
  return type.startsWith(`${OPERATIONAL_ENTITY}/`);
}
