import { shortTime } from './formatDeliveriesTable.js';

/** One row of `GET /v1/businesses/{b}/tokens`. */
export interface TokenListRow {
  readonly id: string;
  readonly name: string | null;
  readonly prefix: string | null;
  readonly created_at: string;
  readonly last_used_at: string | null;
  readonly expires_at: string | null;
}

const columns: readonly { title: string; value: (r: TokenListRow) => string }[] = [
  { title: 'ID', value: (r) => r.id },
  { title: 'NAME', value: (r) => r.name ?? '-' },
  // The prefix is followed by … so nobody takes it for the whole token.
  { title: 'PREFIX', value: (r) => (r.prefix ? `${r.prefix}…` : '-') },
  { title: 'CREATED', value: (r) => shortTime(r.created_at) },
  { title: 'LAST USED', value: (r) => shortTime(r.last_used_at) },
  { title: 'EXPIRES', value: (r) => (r.expires_at ? shortTime(r.expires_at) : 'never') },
];

export function formatTokensTable(rows: readonly TokenListRow[]): string {
  if (rows.length === 0) return 'No tokens.';
  const cells = rows.map((row) => columns.map((c) => c.value(row)));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((r) => [...(r[i] ?? '')].length)));
  const line = (values: string[]): string => values.map((v, i) => (i === values.length - 1 ? v : v + ' '.repeat((widths[i] ?? 0) - [...v].length))).join('  ');
  return [line(columns.map((c) => c.title)), ...cells.map(line)].join('\n');
}
