/** One row of `GET /v1/businesses/{b}/deliveries`, as far as the table needs it. */
export interface DeliveryRow {
  readonly id: string;
  readonly event_type: string;
  readonly webhook_id: string;
  readonly status: string;
  readonly attempt_count: number;
  readonly last_status_code: number | null;
  readonly next_attempt_at: string | null;
  readonly created_at: string;
}

interface Column {
  readonly title: string;
  readonly value: (row: DeliveryRow) => string;
  readonly alignRight?: boolean;
}

const baseColumns: readonly Column[] = [
  { title: 'ID', value: (r) => r.id },
  { title: 'EVENT TYPE', value: (r) => r.event_type },
  { title: 'WEBHOOK', value: (r) => r.webhook_id },
  { title: 'STATUS', value: (r) => r.status },
  { title: 'ATTEMPTS', value: (r) => String(r.attempt_count), alignRight: true },
  { title: 'LAST CODE', value: (r) => (r.last_status_code === null ? '-' : String(r.last_status_code)), alignRight: true },
  { title: 'NEXT ATTEMPT', value: (r) => shortTime(r.next_attempt_at) },
  { title: 'CREATED', value: (r) => shortTime(r.created_at) },
];

function withWebhookNames(names: ReadonlyMap<string, string>): readonly Column[] {
  const at = baseColumns.findIndex((c) => c.title === 'WEBHOOK') + 1;
  const name: Column = { title: 'WEBHOOK NAME', value: (r) => names.get(r.webhook_id) ?? '-' };
  return [...baseColumns.slice(0, at), name, ...baseColumns.slice(at)];
}

// SGR codes; applied after padding so that escape bytes never count towards a column's width.
const statusColour: Readonly<Record<string, string>> = { succeeded: '32', retrying: '33', failed: '31', pending: '2' };
const paint = (code: string, text: string): string => `\u001b[${code}m${text}\u001b[0m`;

/**
 * `2025-03-02T09:15:00.123Z` → `2025-03-02 09:15:00Z`: second precision is enough to read a
 * log, and the Z stays so nobody mistakes UTC for local time.
 */
export function shortTime(iso: string | null): string {
  if (!iso) return '-';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/**
 * `webhookNames` (id → name) adds the webhook's name beside its id; a webhook it does not know
 * (deleted since, or past the first page) shows "-".
 */
export function formatDeliveriesTable(rows: readonly DeliveryRow[], opts: { colour: boolean; webhookNames?: ReadonlyMap<string, string> }): string {
  if (rows.length === 0) return 'No deliveries.';
  const names = opts.webhookNames;
  const columns = names ? withWebhookNames(names) : baseColumns;
  const cells = rows.map((row) => columns.map((c) => c.value(row)));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((r) => (r[i] ?? '').length)));
  const pad = (text: string, i: number): string => {
    const width = widths[i] ?? 0;
    if (columns[i]?.alignRight) return text.padStart(width);
    // The last column is not padded so lines carry no trailing spaces.
    return i === columns.length - 1 ? text : text.padEnd(width);
  };

  const header = columns.map((c, i) => pad(c.title, i)).join('  ');
  const lines = [opts.colour ? paint('1', header) : header];
  for (const [r, row] of cells.entries()) {
    const status = rows[r]?.status ?? '';
    const rendered = row.map((text, i) => {
      const padded = pad(text, i);
      const colour = columns[i]?.title === 'STATUS' ? statusColour[status] : undefined;
      return opts.colour && colour ? paint(colour, padded) : padded;
    });
    lines.push(rendered.join('  '));
  }
  return lines.join('\n');
}
