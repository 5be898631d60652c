import type { Command } from 'commander';
import { apiRequest } from '../apiRequest.js';
import { printLine, type CliContext } from '../CliContext.js';
import { usageError } from '../CliError.js';
import { addClientOptions, clientFromFlags } from '../clientOptions.js';
import { shortTime } from '../formatDeliveriesTable.js';
import { formatTable } from '../formatTable.js';

interface EventType {
  type: string;
  description: string;
  schema: unknown;
  example: unknown;
}

interface PublishedEvent {
  id: string;
  business: string;
  type: string;
  data: unknown;
  occurred_at: string;
  created_at: string;
}

interface Flags {
  json?: boolean;
  url?: string;
  token?: string;
}

/** `hookline events get` and `hookline event-types list|get`: what was published, and what may be. */
export function registerEvents(program: Command, ctx: CliContext): void {
  const events = program.command('events').description('read a published event');
  const get = events
    .command('get')
    .description('show one event and its data')
    .argument('<id>', 'the event\u2019s id (evt_\u2026, or the id it was published with)')
    .requiredOption('--business <id>', 'the business it belongs to')
    .option('--json', 'print the server\u2019s JSON answer');
  addClientOptions(get).action(async (id: string, flags: Flags & { business: string }) => {
    const path = `/v1/businesses/${encodeURIComponent(flags.business)}/events/${encodeURIComponent(id)}`;
    const e = await apiRequest<PublishedEvent>({ client: clientFromFlags(ctx.env, flags), method: 'GET', path });
    const text = `${e.id}  ${e.type}  occurred ${shortTime(e.occurred_at)}, received ${shortTime(e.created_at)}\n${JSON.stringify(e.data, null, 2)}`;
    printLine(ctx.stdout, flags.json ? JSON.stringify(e, null, 2) : text);
  });

  const types = program.command('event-types').description('the event catalogue: the types that may be published');
  const catalogue = async (flags: Flags): Promise<EventType[]> =>
    (await apiRequest<{ data: EventType[] }>({ client: clientFromFlags(ctx.env, flags), method: 'GET', path: '/v1/event-types' })).data;

  const list = types.command('list').description('list every event type').option('--json', 'print the server\u2019s JSON answer instead of a table');
  addClientOptions(list).action(async (flags: Flags) => {
    const data = await catalogue(flags);
    const table = formatTable(data, [
      { title: 'TYPE', value: (t) => t.type },
      { title: 'DESCRIPTION', value: (t) => t.description },
    ], 'No event types.');
    printLine(ctx.stdout, flags.json ? JSON.stringify({ data }, null, 2) : table);
  });

  const one = types
    .command('get')
    .description('show one event type: its description, JSON Schema and example')
    .argument('<type>', 'e.g. client/created')
    .option('--json', 'print the type as JSON');
  addClientOptions(one).action(async (type: string, flags: Flags) => {
    const found = (await catalogue(flags)).find((t) => t.type === type);
    if (!found) throw usageError(`no event type "${type}"; \`hookline event-types list\` shows them`);
    const text = `${found.type}: ${found.description}\n\nSchema:\n${JSON.stringify(found.schema, null, 2)}\n\nExample data:\n${JSON.stringify(found.example, null, 2)}`;
    printLine(ctx.stdout, flags.json ? JSON.stringify(found, null, 2) : text);
  });
}
