import type { Command } from 'commander';
import { apiRequest } from '../apiRequest.js';
import { printLine, type CliContext } from '../CliContext.js';
import { addClientOptions, clientFromFlags } from '../clientOptions.js';
import { parseDataOption } from '../parseDataOption.js';
import { channelList } from '../webhookFeatureFlags.js';

interface SendFlags {
  business: string;
  data: string;
  id?: string;
  occurredAt?: string;
  channels?: string;
  json?: boolean;
  url?: string;
  token?: string;
}

export function registerSend(program: Command, ctx: CliContext): void {
  const command = program
    .command('send')
    .description('publish one event to a running server and print its id')
    .argument('<type>', 'event type, e.g. client/created')
    .requiredOption('--business <id>', 'the business the event belongs to')
    .requiredOption('--data <json>', 'the event data: inline JSON, or @file.json to read it from a file')
    .option('--id <event-id>', 'your idempotency id: sending it again does not publish twice')
    .option('--occurred-at <iso>', 'when it happened, ISO 8601 (default: now)')
    .option('--channels <list>', 'comma-separated channels to publish it to; webhooks that name channels get only theirs')
    .option('--json', 'print the server\u2019s JSON answer instead of the id alone')
    .addHelpText('after', "\nExamples:\n  hookline send client/created --business harbour-yoga --data @client.json\n  hookline send invoice/paid --business harbour-yoga --data '{\"id\": 42}' --id inv-42-paid");
  addClientOptions(command).action(async (type: string, flags: SendFlags) => {
    // Parsed before any network call so that a typo in the file fails fast and offline.
    const data = parseDataOption(flags.data);
    const client = clientFromFlags(ctx.env, flags);
    const event = await apiRequest<{ id: string }>({
      client,
      method: 'POST',
      path: `/v1/businesses/${encodeURIComponent(flags.business)}/events`,
      body: { type, data, id: flags.id, occurred_at: flags.occurredAt, channels: flags.channels === undefined ? undefined : channelList(flags.channels) },
    });
    // The id alone, so that scripts can capture it: EVT=$(hookline send …)
    printLine(ctx.stdout, flags.json ? JSON.stringify(event, null, 2) : event.id);
  });
}
