import { HooklineError } from '../../errors.js';
import { regexHazard } from '../regexSafety.js';
import { FILTER_LIMITS } from './filterLimits.js';
import type { Condition, FilterNode, Operator } from './filterTree.js';
import { regexCostLog2 } from './regexCost.js';
import { ANY_ELEMENT } from './resolvePath.js';

/*
 * Reads a filter document once, when it is saved or first matched, and refuses anything it
 * cannot run exactly as docs/filters.md says, naming the bad part by its JSON pointer
 * (`/filter/$or/1/data.amount/$gt`), so no event is ever judged by a filter it misread.
 */

const ROOTS = new Set(['type', 'business', 'occurred_at', 'data']);
const OPERATORS = new Set<string>(['$eq', '$neq', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exist', '$regex', '$startsWith', '$endsWith']);
const REGEX_FLAGS = /^[imsu]*$/;

class Reader {
  private clauses = 0;
  constructor(private readonly prefix: string) {}

  fail(pointer: string, message: string): never {
    const at = this.prefix + pointer;
    throw new HooklineError('INVALID_PAYLOAD_FILTER', `${at}: ${message}`, { errors: [{ pointer: at, message }] });
  }

  count(pointer: string): void {
    if (++this.clauses > FILTER_LIMITS.maxClauses) this.fail(pointer, `a filter may hold at most ${FILTER_LIMITS.maxClauses} clauses; split it across webhooks or use $in`);
  }

  document(doc: unknown, pointer: string, depth: number): FilterNode {
    if (depth > FILTER_LIMITS.maxDepth) this.fail(pointer, `nested more than ${FILTER_LIMITS.maxDepth} levels deep`);
    if (!isPlainObject(doc)) this.fail(pointer, 'expected an object of paths and conditions, such as {"data.amount": {"$gt": 1000}}');
    const entries = Object.entries(doc);
    if (entries.length === 0) this.fail(pointer, 'an empty filter matches every event; remove it (filter: null) or give a condition');
    const items = entries.map(([key, value]): FilterNode => {
      const here = `${pointer}/${escape(key)}`;
      this.count(here);
      if (key === '$and' || key === '$or') return { kind: key === '$and' ? 'and' : 'or', items: this.list(value, here, (v, p) => this.document(v, p, depth + 1)), pointer: here };
      if (key === '$not') return { kind: 'not', item: this.document(value, here, depth + 1), pointer: here };
      if (key.startsWith('$')) this.fail(here, `"${key}" is not an operator here; at this level use $and, $or, $not or a path such as "data.amount"`);
      const segments = this.path(key, here);
      return { kind: 'field', path: key, segments, fansOut: segments.includes(ANY_ELEMENT), condition: this.condition(value, here, depth + 1), pointer: here };
    });
    return items.length === 1 ? items[0]! : { kind: 'and', items, pointer };
  }

  private path(path: string, pointer: string): string[] {
    if (path.length > FILTER_LIMITS.maxPathLength) this.fail(pointer, `a path is at most ${FILTER_LIMITS.maxPathLength} characters`);
    const segments = path.split('.');
    if (segments.some((s) => s === '')) this.fail(pointer, 'a path has no empty parts: write "data.client.id", with single dots between names');
    if (!ROOTS.has(segments[0]!)) this.fail(pointer, `a path starts with data, type, business or occurred_at (e.g. "data.${path}")`);
    if (segments[0] !== 'data' && segments.length > 1) this.fail(pointer, `"${segments[0]}" is a string; only "data" has fields below it`);
    const bad = segments.find((s) => s.startsWith('$') && s !== ANY_ELEMENT);
    if (bad) this.fail(pointer, `"${bad}" in a path: operators go in the condition, as {"${path.split('.$')[0]}": {"${bad}": …}}; "$" alone means any element of an array`);
    return segments;
  }

  private condition(value: unknown, pointer: string, depth: number): Condition {
    if (depth > FILTER_LIMITS.maxDepth) this.fail(pointer, `nested more than ${FILTER_LIMITS.maxDepth} levels deep`);
    if (!isPlainObject(value)) return this.operator('$eq', value, pointer);
    const entries = Object.entries(value);
    if (entries.length === 0) this.fail(pointer, 'an empty condition; give an operator such as {"$exist": true}');
    if (entries.some(([k]) => !k.startsWith('$'))) {
      this.fail(pointer, 'a condition is an object of operators ($eq, $gt, …); to compare with an object, write {"$eq": {…}}');
    }
    const items = entries.map(([op, arg]): Condition => {
      const here = `${pointer}/${escape(op)}`;
      this.count(here);
      if (op === '$and' || op === '$or') return { kind: op === '$and' ? 'and' : 'or', items: this.list(arg, here, (v, p) => this.condition(v, p, depth + 1)), pointer: here };
      if (op === '$not') return { kind: 'not', item: this.condition(arg, here, depth + 1), pointer: here };
      if (!OPERATORS.has(op)) this.fail(here, `unknown operator "${op}"; use one of ${[...OPERATORS, '$not', '$and', '$or'].join(' ')}`);
      return this.operator(op as Operator, arg, here);
    });
    return items.length === 1 ? items[0]! : { kind: 'and', items, pointer };
  }

  private operator(op: Operator, arg: unknown, pointer: string): Condition {
    switch (op) {
      case '$eq':
      case '$neq':
        return { kind: 'op', op, arg, pointer };
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        if (!(typeof arg === 'number' && Number.isFinite(arg)) && typeof arg !== 'string') this.fail(pointer, `${op} compares with a number or a string, not ${describeValue(arg)}`);
        return { kind: 'op', op, arg, pointer };
      case '$in':
      case '$nin':
        this.list(arg, pointer, (v) => v);
        return { kind: 'op', op, arg, pointer };
      case '$exist':
        if (typeof arg !== 'boolean') this.fail(pointer, '$exist takes true or false');
        return { kind: 'op', op, arg, pointer };
      case '$startsWith':
      case '$endsWith':
        if (typeof arg !== 'string') this.fail(pointer, `${op} takes a string, not ${describeValue(arg)}`);
        if (arg.length > FILTER_LIMITS.maxStringArgument) this.fail(pointer, `at most ${FILTER_LIMITS.maxStringArgument} characters`);
        return { kind: 'op', op, arg, pointer };
      case '$regex':
        return { kind: 'op', op, arg, regex: this.regex(arg, pointer), pointer };
    }
  }

  /** A pattern, or {pattern, flags}; refused when its worst case is not small (docs/filters.md#regex). */
  private regex(arg: unknown, pointer: string): RegExp {
    const { pattern, flags } = typeof arg === 'string' ? { pattern: arg, flags: '' } : isPlainObject(arg) ? (arg as { pattern?: unknown; flags?: unknown }) : { pattern: undefined, flags: undefined };
    if (typeof pattern !== 'string') this.fail(pointer, '$regex takes a pattern string, or {"pattern": "…", "flags": "i"}');
    if (flags !== undefined && (typeof flags !== 'string' || !REGEX_FLAGS.test(flags))) this.fail(pointer, 'flags may hold i, m, s and u');
    if (pattern.length > FILTER_LIMITS.maxPatternLength) this.fail(pointer, `a pattern is at most ${FILTER_LIMITS.maxPatternLength} characters`);
    let regex: RegExp;
    try {
      regex = new RegExp(pattern, flags as string | undefined);
    } catch (err) {
      this.fail(pointer, `not a valid regular expression (${(err as Error).message})`);
    }
    const hazard = regexHazard(pattern);
    if (hazard) this.fail(pointer, `this pattern could stall publishing: ${hazard}`);
    if (regexCostLog2(pattern, FILTER_LIMITS.maxRegexSubject) > FILTER_LIMITS.maxRegexCostLog2) {
      this.fail(pointer, 'this pattern could stall publishing: it may backtrack too much (at most one unbounded repeat such as .* or +, and few bounded ones beside it); split it into an $and of two patterns, or use $startsWith/$endsWith');
    }
    return regex;
  }

  private list<T>(value: unknown, pointer: string, item: (v: unknown, pointer: string) => T): T[] {
    if (!Array.isArray(value) || value.length === 0) this.fail(pointer, 'expected a non-empty array');
    if (value.length > FILTER_LIMITS.maxListItems) this.fail(pointer, `at most ${FILTER_LIMITS.maxListItems} items`);
    return value.map((v, i) => item(v, `${pointer}/${i}`));
  }
}

/**
 * Parses and checks a filter document, or throws INVALID_PAYLOAD_FILTER whose detail and
 * `errors[0].pointer` name the bad part under `prefix` (the field's pointer in the request).
 */
export function parseFilter(doc: unknown, prefix = '/filter'): FilterNode {
  const reader = new Reader(prefix);
  const text = JSON.stringify(doc) ?? '';
  if (Buffer.byteLength(text) > FILTER_LIMITS.maxBytes) reader.fail('', `a filter is at most ${FILTER_LIMITS.maxBytes} bytes of JSON`);
  return reader.document(doc, '', 0);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function escape(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `the ${typeof v} ${JSON.stringify(v)}`;
}
