/**
 * An upper estimate, as log2, of the paths JavaScript's backtracking engine may try for one
 * pattern over a subject of `subjectLength` characters. `regexHazard` (../regexSafety.ts)
 * refuses the exponential cases; this measures the polynomial ones it lets through: each
 * unbounded quantifier can be tried at every length up to the subject's, and an unanchored
 * search starts at every position, so `.*.*x` costs n³ (seconds at n = 1,000). Atoms cost 1;
 * a sequence multiplies, alternatives add, `x{m}` raises x's cost to the m-th power.
 */
export function regexCostLog2(pattern: string, subjectLength: number): number {
  const n = Math.log2(subjectLength + 1);
  interface Frame { alts: number[]; seq: number; last: number }
  const frames: Frame[] = [{ alts: [], seq: 0, last: 0 }];
  let i = 0;
  const atom = (cost: number) => {
    const top = frames[frames.length - 1]!;
    top.seq += cost;
    top.last = cost;
  };
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      i = 'pPu'.includes(next) && pattern[i + 2] === '{' ? Math.max(pattern.indexOf('}', i + 2), i + 2) + 1 : i + 2;
      atom(0);
      continue;
    }
    if (c === '[') {
      i++;
      if (pattern[i] === ']') i++;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      i++;
      atom(0);
      continue;
    }
    if (c === '(') {
      const prefix = /^\(\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>)?/.exec(pattern.slice(i));
      i += prefix ? prefix[0].length : 1;
      frames.push({ alts: [], seq: 0, last: 0 });
      continue;
    }
    if (c === ')') {
      const inner = frames.length > 1 ? frames.pop()! : frames[0]!;
      atom(log2Sum([...inner.alts, inner.seq]));
      i++;
      continue;
    }
    if (c === '|') {
      const top = frames[frames.length - 1]!;
      top.alts.push(top.seq);
      top.seq = 0;
      top.last = 0;
      i++;
      continue;
    }
    const q = /^(?:[*+?]|\{(\d+)(,(\d*))?\})/.exec(pattern.slice(i));
    if (q) {
      const [text, min, comma, max] = q;
      const unbounded = text === '*' || text === '+' || (comma !== undefined && max === '');
      const most = unbounded ? subjectLength : text === '?' ? 1 : Number(comma !== undefined ? max : min);
      const top = frames[frames.length - 1]!;
      // Repeating an atom of cost a up to m times: at most (m + 1) · a^m paths.
      const repeated = Math.log2(Math.min(most, subjectLength) + 1) + top.last * Math.min(most, subjectLength);
      top.seq += repeated - top.last;
      top.last = repeated;
      i += text.length;
      if (pattern[i] === '?') i++;
      continue;
    }
    atom(0);
    i++;
  }
  while (frames.length > 1) {
    const inner = frames.pop()!;
    atom(log2Sum([...inner.alts, inner.seq]));
  }
  const top = frames[0]!;
  return log2Sum([...top.alts, top.seq]) + n;
}

/** log2(2^a + 2^b + …) */
function log2Sum(values: number[]): number {
  const most = Math.max(...values);
  let sum = 0;
  for (const v of values) sum += 2 ** (v - most);
  return most + Math.log2(sum);
}
