/*
 * Helpers for dialects that reshape an event's `data`, which the store keeps as JSON text
 * (always an object: the catalogue refuses anything else).
 */

export type JsonObject = Record<string, unknown>;

export function parseData(dataJson: string): JsonObject {
  const value: unknown = JSON.parse(dataJson);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

/**
 * `data` with Hookline-owned fields added: `first` before the resource's own fields, `last`
 * after them, each replacing a field of the same name. When nothing clashes the stored text is
 * spliced as it is, so the resource's fields keep their exact text and order.
 */
export function withFields(dataJson: string, fields: { first?: JsonObject; last?: JsonObject }): string {
  const first = fields.first ?? {};
  const last = fields.last ?? {};
  const data = parseData(dataJson);
  const owned = [...Object.keys(first), ...Object.keys(last)];
  if (owned.some((k) => Object.hasOwn(data, k))) {
    for (const k of owned) delete data[k];
    return JSON.stringify({ ...first, ...data, ...last });
  }
  const inner = dataJson.trim().slice(1, -1).trim();
  const parts = [members(first), inner, members(last)].filter((p) => p !== '');
  return `{${parts.join(',')}}`;
}

function members(obj: JsonObject): string {
  const text = JSON.stringify(obj);
  return text.slice(1, -1);
}
