import { InvalidArgumentError, Option, type Command } from 'commander';
import { apiRequest } from '../apiRequest.js';
import { printLine, type CliContext } from '../CliContext.js';
import { addClientOptions, clientFromFlags } from '../clientOptions.js';
import { formatDeliveriesTable, type DeliveryRow } from '../formatDeliveriesTable.js';
import { usageError } from '../CliError.js';
import { WebhookNames } from '../webhookNames.js';
import { registerDeliveryItem } from './deliveryItem.js';
import { registerDeliveriesTail } from './deliveriesTail.js';

interface DeliveriesFlags {
  business: string;
  status?: string;
  webhook?: string;
  event?: string;
  limit: number;
  cursor?: string;
  json?: boolean;
  url?: string;
  token?: string;
}

interface DeliveryPage {
  data: DeliveryRow[];
  next_cursor: string | null;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1.');
  return n;
}

export function registerDeliveries(program: Command, ctx: CliContext): void {
  const command = program
    .command('deliveries')
    .description('list a business\u2019s delivery log, newest first; `deliveries get|retry <id>` for one, `deliveries tail` to follow')
    // Not a required option: commander would then ask for it before `get` and `retry` too.
    .option('--business <id>', 'the business whose deliveries to list (required)')
    // `deliveries get <id> --business b`: the flags after a subcommand's name are the subcommand's.
    .passThroughOptions()
    .addOption(new Option('--status <status>', 'only deliveries in this state').choices(['pending', 'succeeded', 'retrying', 'failed', 'cancelled']))
    .option('--webhook <id>', 'only deliveries to this webhook')
    .option('--event <id>', 'only deliveries of this event')
    .option('--limit <n>', 'how many to show (the server caps it)', positiveInteger, 20)
    .option('--cursor <cursor>', 'continue a previous listing where it stopped')
    .option('--json', 'print the server\u2019s JSON answer instead of a table');
  addClientOptions(command).action(async (flags: DeliveriesFlags) => {
    if (!flags.business) throw usageError("required option '--business <id>' not specified");
    const client = clientFromFlags(ctx.env, flags);
    const page = await apiRequest<DeliveryPage>({
      client,
      method: 'GET',
      path: `/v1/businesses/${encodeURIComponent(flags.business)}/deliveries`,
      query: { status: flags.status, webhook_id: flags.webhook, event_id: flags.event, limit: flags.limit, cursor: flags.cursor },
    });
    if (flags.json) {
      printLine(ctx.stdout, JSON.stringify(page, null, 2));
      return;
    }
    // NO_COLOR is the cross-tool convention (no-color.org) for turning colour off on a TTY too.
    const colour = ctx.stdout.isTTY === true && !ctx.env.NO_COLOR;
    const names = new WebhookNames(client, flags.business);
    await names.load(page.data.map((d) => d.webhook_id));
    printLine(ctx.stdout, formatDeliveriesTable(page.data, { colour, webhookNames: names.asMap() }));
    if (page.next_cursor) printLine(ctx.stdout, `\nMore: add --cursor ${page.next_cursor}`);
  });
  registerDeliveryItem(command, ctx);
  registerDeliveriesTail(command, ctx);
}
