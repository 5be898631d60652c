import type { Dialect } from './Dialect.js';
import type { Conversion, FieldRule } from './fieldMapping.js';

/*
 * docs/dialects.md prints each dialect's mapping table from the table itself, between
 * `<!-- mapping:<dialect> -->` markers: `node scripts/dialect-mapping-docs.mjs` rewrites them
 * and a test fails when they differ, so the page cannot drift from what render does.
 */

const TYPE_TEXT: Record<Conversion, string> = {
  same: 'as published',
  integer: 'integer, or `unrepresentable`',
  string: 'string (numbers written as text)',
  money: 'decimal string (`89` → `"89.00"`)',
};

/** The Markdown for one dialect's table: types that share rules are printed once, together. */
export function mappingMarkdown(dialect: Dialect): string {
  const groups = new Map<readonly FieldRule[], string[]>();
  for (const [type, rules] of Object.entries(dialect.mapping ?? {})) {
    const types = groups.get(rules) ?? [];
    types.push(type);
    groups.set(rules, types);
  }
  const parts: string[] = [];
  for (const [rules, types] of groups) {
    const names = types.map((t) => `\`${dialect.eventName(t) ?? t}\``).join(', ');
    parts.push(
      `**${types.map((t) => `\`${t}\``).join(', ')}** (${names})`,
      '',
      `| ${dialect.name} field | from canonical \`data\` | sent as |`,
      '|---|---|---|',
      ...rows(rules, '', ''),
      '',
    );
  }
  return parts.join('\n').trimEnd();
}

/** `prefix`/`sourcePrefix` name the enclosing list for an item's rules: `activePackages[].`, `active_packages[].`. */
function rows(rules: readonly FieldRule[], prefix: string, sourcePrefix: string): string[] {
  const out: string[] = [];
  for (const r of rules) {
    const field = `${prefix}${r.field}`;
    const sources = r.from.map((f) => `\`${sourcePrefix}${f}\``).join(', then ');
    const values = r.values ? ` (${Object.entries(r.values).map(([k, v]) => `\`${k}\`→\`${v}\``).join(', ')})` : '';
    if (r.items) {
      out.push(`| \`${field}[]\` | ${sources}, each item as below | list |`);
      out.push(...rows(r.items, `${field}[].`, `${sourcePrefix}${r.from[0]}[].`));
    } else {
      out.push(`| \`${field}\` | ${sources}${values} | ${TYPE_TEXT[r.as]}${r.absent === 'null' ? '; `null` when absent' : ''} |`);
    }
  }
  return out;
}
