import { isValidEventTypeName } from '../catalog/eventTypeName.js';

/*
 * Svix names event types with dots (`invoice.paid`); the catalogue with a slash
 * (`invoice/paid`). The rule, both ways (docs/svix.md#event-type-names):
 *   - the first dot of a Svix name is the catalogue's slash: `invoice.paid` is `invoice/paid`,
 *     `hookline.webhook.disabled` is `hookline/webhook.disabled`;
 *   - a Svix name without a dot belongs to the entity `svix`: `ping` is `svix/ping`;
 *   - a catalogue type reads back by the same rule: its slash becomes a dot, except that
 *     `svix/<name>` reads back as `<name>` when `<name>` has no dot.
 * Names are lowercase, as the catalogue's are; an uppercase Svix name maps to nothing.
 */

export const DOTLESS_ENTITY = 'svix';

/** The catalogue type for a Svix event type name, or null when the name cannot be one. */
export function catalogTypeOfSvixName(name: string): string | null {
  const dot = name.indexOf('.');
  const type = dot < 0 ? `${DOTLESS_ENTITY}/${name}` : `${name.slice(0, dot)}/${name.slice(dot + 1)}`;
  return isValidEventTypeName(type) ? type : null;
}

/** The Svix name of a catalogue type. */
export function svixEventName(type: string): string {
  const slash = type.indexOf('/');
  const entity = type.slice(0, slash);
  const action = type.slice(slash + 1);
  if (entity === DOTLESS_ENTITY && !action.includes('.')) return action;
  return `${entity}.${action}`;
}
