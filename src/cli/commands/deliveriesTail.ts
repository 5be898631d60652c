import { InvalidArgumentError, type Command } from 'commander';
import { apiRequest } from '../apiRequest.js';
import { printLine, type CliContext } from '../CliContext.js';
import { addClientOptions, clientFromFlags } from '../clientOptions.js';
import { shortTime, type DeliveryRow } from '../formatDeliveriesTable.js';
import { WebhookNames, withName } from '../webhookNames.js';

interface Flags {
  business: string;
  webhook?: string;
  interval: number;
  json?: boolean;
  url?: string;
  token?: string;
  profile?: string;
}

function interval(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 100 || n > 60_000) throw new InvalidArgumentError('expected milliseconds from 100 to 60000.');
  return n;
}

/**
 * `hookline deliveries tail`: follows the delivery log by polling the newest page, printing a
 * line whenever a delivery appears or its state or attempt count changes. Polling the public
 * API keeps it working against any server version and through any proxy; a second is well
 * inside what a person watching needs.
 */
export function registerDeliveriesTail(deliveries: Command, ctx: CliContext): void {
  const tail = deliveries
    .command('tail')
    .description('follow the delivery log live, a line per new delivery or change; Ctrl-C stops')
    .requiredOption('--business <id>', 'whose deliveries')
    .option('--webhook <id>', 'only those to this webhook')
    .option('--interval <ms>', 'how often to look, in milliseconds', interval, 1000)
    .option('--json', 'one JSON object per line instead of text');
  addClientOptions(tail).action(async (flags: Flags) => {
    const client = clientFromFlags(ctx.env, flags);
    const path = `/v1/businesses/${encodeURIComponent(flags.business)}/deliveries`;
    const seen = new Map<string, string>();
    const names = new WebhookNames(client, flags.business);
    let stopped = false;
    let wake: () => void = () => {};
    const stop = (): void => {
      stopped = true;
      wake();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      for (let first = true; !stopped; first = false) {
        const page = await apiRequest<{ data: DeliveryRow[] }>({ client, method: 'GET', path, query: { webhook_id: flags.webhook, limit: 100 } });
        // Oldest first, so lines read in the order things happened.
        const changed: DeliveryRow[] = [];
        for (const d of [...page.data].reverse()) {
          const state = `${d.status}/${d.attempt_count}`;
          if (seen.get(d.id) === state) continue;
          seen.set(d.id, state);
          // What was already there when tail started is the past: `deliveries` lists it.
          if (!first) changed.push(d);
        }
        // Names are looked up once per webhook for the whole run, and only for text lines.
        if (!flags.json) await names.load(changed.map((d) => d.webhook_id));
        for (const d of changed) printLine(ctx.stdout, flags.json ? JSON.stringify(d) : line(d, names.nameOf(d.webhook_id)));
        if (first) printLine(ctx.stderr, `Following deliveries of ${flags.business}; Ctrl-C stops.`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, flags.interval);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  });
}

function line(d: DeliveryRow, webhookName: string | null): string {
  const code = d.last_status_code === null ? '-' : String(d.last_status_code);
  const next = d.next_attempt_at ? `, next ${shortTime(d.next_attempt_at)}` : '';
  return `${shortTime(new Date().toISOString())}  ${d.id}  ${d.event_type}  ${withName(d.webhook_id, webhookName)}  ${d.status}  attempts ${d.attempt_count}  code ${code}${next}`;
}
