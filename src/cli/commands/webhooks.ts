import type { Command } from 'commander';
import type { Static } from '@sinclair/typebox';
import type { Webhook as WebhookSchema } from '../../api/schemas.js';
import { apiRequest } from '../apiRequest.js';
import { printLine, type CliContext } from '../CliContext.js';
import { usageError } from '../CliError.js';
import { addClientOptions, clientFromFlags } from '../clientOptions.js';
import { formatTable } from '../formatTable.js';
import { addFeatureOptions, featureFields, type FeatureFlags } from '../webhookFeatureFlags.js';
import { formatWebhook } from '../formatWebhook.js';
import { registerWebhookUpdate } from './webhookUpdate.js';
import { registerWebhookTools } from './webhookTools.js';

/** A webhook as the API answers it; the type comes from the route's schema, so the two cannot drift. */
export type Webhook = Static<typeof WebhookSchema>;

interface Flags {
  business: string;
  json?: boolean;
  url?: string;
  token?: string;
}

export const webhooksPath = (business: string, id?: string, action?: string): string =>
  `/v1/businesses/${encodeURIComponent(business)}/webhooks${id === undefined ? '' : `/${encodeURIComponent(id)}`}${action ? `/${action}` : ''}`;

// A comma list, as typed after --events: "client/created, invoice/paid" or "client/*".
export function eventList(value: string): string[] {
  const events = value.split(',').map((e) => e.trim()).filter((e) => e !== '');
  if (events.length === 0) throw usageError('--events: give at least one event type, e.g. client/created,invoice/paid or client/*');
  return events;
}

export function webhookState(w: Webhook): string {
  if (!w.enabled) return 'disabled';
  return w.health?.state ?? 'healthy';
}

/**
 * `hookline webhooks list|create|get|update|delete|test|rotate-secret|replay`: a business's webhooks.
 * `--url` stays the server's address, as on every client command; the receiver is `--target`.
 */
export function registerWebhooks(program: Command, ctx: CliContext): void {
  const webhooks = program.command('webhooks').description('create, list and change a business\u2019s webhooks');
  const client = (flags: Flags) => clientFromFlags(ctx.env, flags);
  const print = (flags: Flags, value: unknown, text: string): void => printLine(ctx.stdout, flags.json ? JSON.stringify(value, null, 2) : text);

  const list = webhooks
    .command('list')
    .description('list a business\u2019s webhooks')
    .requiredOption('--business <id>', 'whose webhooks')
    .option('--json', 'print the server\u2019s JSON answer instead of a table');
  addClientOptions(list).action(async (flags: Flags) => {
    const page = await apiRequest<{ data: Webhook[] }>({ client: client(flags), method: 'GET', path: webhooksPath(flags.business), query: { limit: 100 } });
    print(flags, page, formatTable(page.data, [
      { title: 'ID', value: (w) => w.id },
      { title: 'NAME', value: (w) => w.name },
      { title: 'STATE', value: webhookState },
      { title: 'DIALECT', value: (w) => w.dialect },
      { title: 'EVENTS', value: (w) => w.events.join(',') },
      { title: 'TARGET', value: (w) => w.url },
    ], 'No webhooks.'));
  });

  const create = webhooks
    .command('create')
    .description('subscribe a URL to events; prints the webhook\u2019s id and signing secret')
    .requiredOption('--business <id>', 'the business it belongs to')
    .requiredOption('--name <name>', 'what it is, to tell webhooks apart')
    .requiredOption('--target <url>', 'the receiver\u2019s URL, where deliveries are POSTed')
    .requiredOption('--events <list>', 'comma-separated event types: client/created,invoice/paid, client/* or *')
    .option('--dialect <name>', 'the wire format (default standard); docs/dialects.md lists them');
  addFeatureOptions(create, false).option('--json', 'print the server\u2019s JSON answer');
  addClientOptions(create).action(async (flags: Flags & FeatureFlags & { name: string; target: string; events: string; dialect?: string }) => {
    const body: Record<string, unknown> = { name: flags.name, url: flags.target, events: eventList(flags.events), ...featureFields(flags, false) };
    if (flags.dialect !== undefined) body.dialect = flags.dialect;
    const w = await apiRequest<Webhook>({ client: client(flags), method: 'POST', path: webhooksPath(flags.business), body });
    // Until the URL answers the challenge nothing is delivered, which the user should not have to discover.
    const pending = w.verification_state === 'pending_verification' ? `\nVerification pending: ${w.url} must answer the challenge before it receives events (docs/endpoint-auth.md).` : '';
    print(flags, w, `Created ${w.id} (${w.name}) \u2192 ${w.url} for ${w.events.join(',')}\nSigning secret: ${w.secret}${pending}`);
  });

  const get = webhooks
    .command('get')
    .description('show one webhook, with its signing secret and health')
    .argument('<id>', 'the webhook\u2019s id (wh_\u2026)')
    .requiredOption('--business <id>', 'the business it belongs to')
    .option('--json', 'print the server\u2019s JSON answer');
  addClientOptions(get).action(async (id: string, flags: Flags) => {
    const w = await apiRequest<Webhook>({ client: client(flags), method: 'GET', path: webhooksPath(flags.business, id) });
    print(flags, w, formatWebhook(w));
  });

  registerWebhookUpdate(webhooks, ctx);
  registerWebhookTools(webhooks, ctx);

  const remove = webhooks
    .command('delete')
    .description('remove a webhook; its pending deliveries are not sent')
    .argument('<id>', 'the webhook\u2019s id (wh_\u2026)')
    .requiredOption('--business <id>', 'the business it belongs to')
    .option('--json', 'print {"deleted": id} instead of a sentence');
  addClientOptions(remove).action(async (id: string, flags: Flags) => {
    await apiRequest<void>({ client: client(flags), method: 'DELETE', path: webhooksPath(flags.business, id) });
    print(flags, { deleted: id }, `Deleted ${id}.`);
  });

  const rotate = webhooks
    .command('rotate-secret')
    .description('give a webhook a new signing secret; the old one keeps signing alongside for 24 h')
    .argument('<id>', 'the webhook\u2019s id (wh_\u2026)')
    .requiredOption('--business <id>', 'the business it belongs to')
    .option('--json', 'print the server\u2019s JSON answer');
  addClientOptions(rotate).action(async (id: string, flags: Flags) => {
    const w = await apiRequest<Webhook>({ client: client(flags), method: 'POST', path: webhooksPath(flags.business, id, 'rotate-secret'), body: {} });
    print(flags, w, `New signing secret for ${w.id} (${w.name}): ${w.secret}`);
  });

  const sendTest = webhooks
    .command('test')
    .description('send a webhook/test event to this webhook only')
    .argument('<id>', 'the webhook\u2019s id (wh_\u2026)')
    .requiredOption('--business <id>', 'the business it belongs to')
    .option('--json', 'print the server\u2019s JSON answer');
  addClientOptions(sendTest).action(async (id: string, flags: Flags) => {
    const sent = await apiRequest<{ id: string; delivery: { id: string } }>({ client: client(flags), method: 'POST', path: webhooksPath(flags.business, id, 'test'), body: {} });
    print(flags, sent, `Sent test event ${sent.id} as delivery ${sent.delivery.id}; \`hookline deliveries --business ${flags.business} --event ${sent.id}\` shows how it went.`);
  });

  const replay = webhooks
    .command('replay')
    .description('deliver again this webhook\u2019s failed deliveries created since a time')
    .argument('<id>', 'the webhook\u2019s id (wh_\u2026)')
    .requiredOption('--business <id>', 'the business it belongs to')
    .requiredOption('--since <time>', 'ISO 8601 time with a zone, e.g. 2030-01-31T00:00:00Z')
    .option('--json', 'print the server\u2019s JSON answer');
  addClientOptions(replay).action(async (id: string, flags: Flags & { since: string }) => {
    const done = await apiRequest<{ replayed: number; since: string }>({ client: client(flags), method: 'POST', path: webhooksPath(flags.business, id, 'replay'), body: { since: flags.since } });
    print(flags, done, `Replaying ${done.replayed} failed deliver${done.replayed === 1 ? 'y' : 'ies'} of ${id} since ${done.since}.`);
  });
}
