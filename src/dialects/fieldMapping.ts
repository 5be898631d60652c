import type { JsonObject } from './dataJson.js';

/*
 * The translation from the catalogue's canonical `data` to one dialect's field names, kept as
 * data: each dialect module holds a table of rules per event type, the renderer applies it,
 * and docs/dialects.md prints the same table (test/dialect.mappingDocs.test.ts holds the two
 * in step). A rule says where a dialect field comes from and what its documented type can hold.
 */

/**
 * What the dialect's documented type can hold, and how a canonical value becomes it:
 * - `same`: the value as published;
 * - `integer`: an integer, passed as is (a string or fraction cannot be carried);
 * - `string`: a string; numbers and booleans are written as text;
 * - `money`: a decimal string, numbers with two decimals (`89` → `"89.00"`).
 */
export type Conversion = 'same' | 'integer' | 'string' | 'money';

export interface FieldRule {
  /** The dialect's field; dots nest (`a_price.m_total`). */
  readonly field: string;
  /** Canonical fields it is filled from, the first one present wins; dots reach into objects. */
  readonly from: readonly string[];
  readonly as: Conversion;
  /** When no source is present the field is left out, unless this says `null`. */
  readonly absent?: 'omit' | 'null';
  /** For a list of objects: the rules for each item, applied to each canonical item. */
  readonly items?: readonly FieldRule[];
  /**
   * Canonical values and the dialect's spelling of each (`sms` → `SMS`). Only a canonical
   * source is translated; the dialect's own field is taken as the publisher wrote it.
   */
  readonly values?: Readonly<Record<string, string>>;
}

/** A dialect's rules per catalogue type; a type without rules is sent as published. */
export type MappingTable = Readonly<Record<string, readonly FieldRule[]>>;

/** A value the dialect's documented type cannot hold; `pointer` is inside `data`. */
export interface Unrepresentable {
  readonly unrepresentable: { readonly pointer: string; readonly message: string };
}

export type Mapped = { ok: true; value: JsonObject } | { ok: false; problem: Unrepresentable };

/**
 * Applies `rules` to canonical `data`. Precedence: the canonical sources in the order listed,
 * then the dialect's own field name (a publisher may send `clientID` itself); a `null` value
 * counts as absent. Never throws for any JSON object.
 */
export function mapFields(rules: readonly FieldRule[], data: JsonObject, dialect: string, base = ''): Mapped {
  const out: JsonObject = {};
  for (const c of compiled(rules)) {
    const { rule } = c;
    const found = firstPresent(data, c.sources);
    if (!found) {
      if (rule.absent === 'null') setPath(out, c.fieldKeys, null);
      continue;
    }
    if (rule.items) {
      if (!Array.isArray(found.value)) return refuse(pointerOf(base, found.keys), `${dialect} sends "${rule.field}" as a list of objects`);
      const list: JsonObject[] = [];
      for (const [i, item] of found.value.entries()) {
        const sub = mapFields(rule.items, isObject(item) ? item : {}, dialect, `${pointerOf(base, found.keys)}/${i}`);
        if (!sub.ok) return sub;
        list.push(sub.value);
      }
      setPath(out, c.fieldKeys, list);
      continue;
    }
    const fromCanonical = found.keys !== c.native;
    const value = rule.values && fromCanonical && typeof found.value === 'string' ? (rule.values[found.value] ?? found.value) : found.value;
    const converted = convert(rule.as, value);
    if (converted === UNREPRESENTABLE) {
      return refuse(pointerOf(base, found.keys), `${dialect} documents "${rule.field}" as ${describe(rule.as)}; ${JSON.stringify(found.value).slice(0, 80)} cannot be sent as one`);
    }
    setPath(out, c.fieldKeys, converted);
  }
  return { ok: true, value: out };
}

/** A rule with its paths split once: `mapFields` runs for every attempt. */
interface CompiledRule {
  rule: FieldRule;
  fieldKeys: readonly string[];
  /** The canonical sources, then `native` (the dialect's own field). */
  sources: readonly (readonly string[])[];
  native: readonly string[];
}

const compiledRules = new WeakMap<readonly FieldRule[], readonly CompiledRule[]>();

function compiled(rules: readonly FieldRule[]): readonly CompiledRule[] {
  let out = compiledRules.get(rules);
  if (!out) {
    out = rules.map((rule) => {
      const native = rule.field.split('.');
      return { rule, fieldKeys: native, native, sources: [...rule.from.map((f) => f.split('.')), native] };
    });
    compiledRules.set(rules, out);
  }
  return out;
}

function pointerOf(base: string, keys: readonly string[]): string {
  return `${base}/${keys.join('/')}`;
}

/** Checks the rules' types without building anything: for dialects that send `data` as it is. */
export function firstProblem(rules: readonly FieldRule[], data: JsonObject, dialect: string): Unrepresentable | null {
  const mapped = mapFields(rules, data, dialect);
  return mapped.ok ? null : mapped.problem;
}

export function isUnrepresentable(value: unknown): value is Unrepresentable {
  return typeof value === 'object' && value !== null && 'unrepresentable' in value;
}

const UNREPRESENTABLE = Symbol('unrepresentable');

function convert(as: Conversion, value: unknown): unknown {
  switch (as) {
    case 'same':
      return value;
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) ? value : UNREPRESENTABLE;
    case 'string':
      return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : UNREPRESENTABLE;
    case 'money':
      return typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? value.toFixed(2) : UNREPRESENTABLE;
  }
}

function describe(as: Conversion): string {
  return as === 'integer' ? 'an integer' : as === 'money' ? 'a decimal string' : 'a string';
}

function refuse(pointer: string, message: string): Mapped {
  return { ok: false, problem: { unrepresentable: { pointer, message } } };
}

function firstPresent(data: JsonObject, sources: readonly (readonly string[])[]): { keys: readonly string[]; value: unknown } | null {
  for (const keys of sources) {
    const value = getPath(data, keys);
    if (value !== undefined && value !== null) return { keys, value };
  }
  return null;
}

function getPath(data: JsonObject, keys: readonly string[]): unknown {
  let at: unknown = data;
  for (const key of keys) {
    if (!isObject(at) || !Object.hasOwn(at, key)) return undefined;
    at = at[key];
  }
  return at;
}

function setPath(out: JsonObject, keys: readonly string[], value: unknown): void {
  let at = out;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i]!;
    if (!isObject(at[key])) at[key] = {};
    at = at[key] as JsonObject;
  }
  at[keys[keys.length - 1]!] = value;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
