/**
 * Custom event-type schemas carry regular expressions (`pattern`, `patternProperties`) that
 * Ajv runs with JavaScript's backtracking engine on every publish. A pattern such as
 * `^(a+)+$` takes exponential time on a near-miss (1.86 s per publish, issue 12), so patterns
 * are checked when a type is registered and refused when they can backtrack catastrophically:
 *
 * - a group repeated without bound (`*`, `+`, `{n,}`) that itself repeats something (star
 *   height above one: `(a+)+`, `(\w+\s?)*`) or holds alternatives (`(a|aa)+`, where two
 *   branches can match the same text);
 * - a group repeated a bounded number of times that repeats something without bound
 *   (`(.*a){12}`), or any such group repeated more than MAX_BOUNDED_REPEAT times;
 * - backreferences (`\1`, `\k<name>`), which no linear-time matcher can run.
 *
 * A small bounded repeat of bounded parts, such as an IPv4 address's `(\d{1,3}\.){3}`, is
 * allowed: its work is bounded by the product of the bounds.
 *
 * The check is deliberately conservative: `(foo|bar)+` is refused although it is harmless (a
 * list of words is better an array with an `enum`). What it does not catch is polynomial
 * backtracking between neighbours (`\d*\d*x`), which the body size limit bounds (docs/catalog.md).
 */

/** The most times a group holding repeats or alternatives may be repeated. */
export const MAX_BOUNDED_REPEAT = 16;

interface Frame {
  /** Something inside the group repeats (`+`, `*`, `{2}` …). */
  repeats: boolean;
  /** Something inside the group repeats without bound (`+`, `*`, `{2,}`). */
  unbounded: boolean;
  alternates: boolean;
}

type Atom = { group: false } | ({ group: true } & Frame);

/** Why the pattern is unsafe to run with a backtracking engine, or null when it is safe. */
export function regexHazard(pattern: string): string | null {
  const frames: Frame[] = [{ repeats: false, unbounded: false, alternates: false }];
  let last: Atom | null = null;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    const top = frames[frames.length - 1]!;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && pattern[i + 2] === '<')) return 'it uses a backreference';
      // \p{…}, \u{…} and friends carry braces that are not a quantifier.
      if ('pPu'.includes(next) && pattern[i + 2] === '{') i = Math.max(pattern.indexOf('}', i + 2), i + 2) + 1;
      else i += 2;
      last = { group: false };
      continue;
    }
    if (c === '[') {
      i++;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      i++;
      last = { group: false };
      continue;
    }
    if (c === '(') {
      frames.push({ repeats: false, unbounded: false, alternates: false });
      // Skip a group's prefix: (?:  (?=  (?!  (?<=  (?<!  (?<name>
      const prefix = /^\(\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>)?/.exec(pattern.slice(i));
      i += prefix ? prefix[0].length : 1;
      last = null;
      continue;
    }
    if (c === ')') {
      if (frames.length > 1) frames.pop();
      const inner = top;
      const parent = frames[frames.length - 1]!;
      parent.repeats ||= inner.repeats;
      parent.unbounded ||= inner.unbounded;
      parent.alternates ||= inner.alternates;
      last = { group: true, ...inner };
      i++;
      continue;
    }
    if (c === '|') {
      top.alternates = true;
      last = null;
      i++;
      continue;
    }
    const quantifier = /^(?:[*+?]|\{(\d+)(,(\d*))?\})/.exec(pattern.slice(i));
    if (quantifier) {
      const [text, min, comma, max] = quantifier;
      const unbounded = text === '*' || text === '+' || (comma !== undefined && max === '');
      const most = unbounded ? Infinity : text === '?' ? 1 : Number(comma !== undefined ? max : min);
      if (most > 1 && last?.group) {
        if (last.unbounded) return 'it repeats a group that itself repeats without bound (nested quantifiers)';
        if (last.repeats && (unbounded || most > MAX_BOUNDED_REPEAT)) return 'it repeats a group that itself repeats (nested quantifiers)';
        if (last.alternates && (unbounded || most > MAX_BOUNDED_REPEAT)) return 'it repeats a group of alternatives';
      }
      if (most > 1) top.repeats = true;
      if (unbounded) top.unbounded = true;
      i += text.length;
      if (pattern[i] === '?' || pattern[i] === '+') i++; // lazy or possessive marker
      last = { group: false };
      continue;
    }
    last = { group: false };
    i++;
  }
  return null;
}

/** Keywords whose values are data, not schema: a `pattern` inside an `enum` is only text. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples', 'example']);
/** Keywords whose members are named by the author: a property called "enum" is still a schema. */
const NAMED_MEMBERS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

export interface UnsafePattern {
  pointer: string;
  pattern: string;
  reason: string;
}

/** Every `pattern` and `patternProperties` key in a JSON Schema that `regexHazard` refuses. */
export function unsafePatterns(schema: unknown, pointer = '', parentKey = ''): UnsafePattern[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const out: UnsafePattern[] = [];
  const keywords = !Array.isArray(schema) && !NAMED_MEMBERS.has(parentKey);
  const entries: [string, unknown][] = Array.isArray(schema) ? schema.map((v, i) => [String(i), v]) : Object.entries(schema);
  for (const [key, value] of entries) {
    const here = `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    if (keywords && DATA_KEYWORDS.has(key)) continue;
    if (keywords && key === 'pattern' && typeof value === 'string') {
      const reason = regexHazard(value);
      if (reason) out.push({ pointer: here, pattern: value, reason });
      continue;
    }
    if (keywords && key === 'patternProperties' && typeof value === 'object' && value !== null) {
      for (const name of Object.keys(value)) {
        const reason = regexHazard(name);
        if (reason) out.push({ pointer: here, pattern: name, reason });
      }
    }
    out.push(...unsafePatterns(value, here, Array.isArray(schema) ? '' : key));
  }
  return out;
}
