import type { Command } from 'commander';
import type { Static } from '@sinclair/typebox';
import type { Attempt, Delivery as DeliverySchema } from '../../api/schemas.js';
import { apiRequest } from '../apiRequest.js';
import { printLine, type CliContext } from '../CliContext.js';
import { addClientOptions, clientFromFlags } from '../clientOptions.js';
import { shortTime } from '../formatDeliveriesTable.js';
import { formatTable } from '../formatTable.js';
import { WebhookNames, withName } from '../webhookNames.js';

/** A delivery as the API answers it, from the route's schema; `attempts` only on one delivery. */
type Delivery = Omit<Static<typeof DeliverySchema>, 'attempts'> & { attempts?: Static<typeof Attempt>[] };

interface Flags {
  business: string;
  json?: boolean;
  url?: string;
  token?: string;
}

const deliveryPath = (business: string, id: string, action = ''): string =>
  `/v1/businesses/${encodeURIComponent(business)}/deliveries/${encodeURIComponent(id)}${action}`;

/** `hookline deliveries get|retry <id>`: one delivery with its attempts, and sending it again. */
export function registerDeliveryItem(deliveries: Command, ctx: CliContext): void {
  const get = deliveries
    .command('get')
    .description('show one delivery and each of its attempts')
    .argument('<id>', 'the delivery\u2019s id (dlv_\u2026)')
    .requiredOption('--business <id>', 'the business it belongs to')
    .option('--json', 'print the server\u2019s JSON answer');
  addClientOptions(get).action(async (id: string, flags: Flags) => {
    const client = clientFromFlags(ctx.env, flags);
    const d = await apiRequest<Delivery>({ client, method: 'GET', path: deliveryPath(flags.business, id) });
    if (flags.json) {
      printLine(ctx.stdout, JSON.stringify(d, null, 2));
      return;
    }
    const names = new WebhookNames(client, flags.business);
    await names.load([d.webhook_id]);
    printLine(ctx.stdout, `${d.id}  ${d.status}, ${d.attempt_count} attempt${d.attempt_count === 1 ? '' : 's'}, next ${shortTime(d.next_attempt_at)}`);
    printLine(ctx.stdout, `event ${d.event_id} (${d.event_type}) to webhook ${withName(d.webhook_id, names.nameOf(d.webhook_id))}\n`);
    printLine(ctx.stdout, formatTable(d.attempts ?? [], [
      { title: '#', value: (a) => String(a.number) },
      { title: 'STARTED', value: (a) => shortTime(a.started_at) },
      { title: 'MS', value: (a) => String(a.duration_ms) },
      { title: 'CODE', value: (a) => (a.status_code === null ? '-' : String(a.status_code)) },
      { title: 'ERROR', value: (a) => a.error ?? '-' },
      // One line of the answer is enough to tell what happened; --json has all of it.
      { title: 'RESPONSE', value: (a) => (a.response_body ?? '').replace(/\s+/g, ' ').slice(0, 60) || '-' },
    ], 'No attempts yet.'));
  });

  const retry = deliveries
    .command('retry')
    .description('deliver again now, whatever its state')
    .argument('<id>', 'the delivery\u2019s id (dlv_\u2026)')
    .requiredOption('--business <id>', 'the business it belongs to')
    .option('--json', 'print the server\u2019s JSON answer');
  addClientOptions(retry).action(async (id: string, flags: Flags) => {
    const d = await apiRequest<Delivery>({ client: clientFromFlags(ctx.env, flags), method: 'POST', path: deliveryPath(flags.business, id, '/retry') });
    printLine(ctx.stdout, flags.json ? JSON.stringify(d, null, 2) : `Retrying ${d.id} now; \`hookline deliveries get ${d.id} --business ${flags.business}\` shows how it went.`);
  });
}
