import type { Command } from 'commander';
import { apiRequest } from '../apiRequest.js';
import { printLine, type CliContext } from '../CliContext.js';
import { addClientOptions, clientFromFlags } from '../clientOptions.js';
import { shortTime } from '../formatDeliveriesTable.js';
import { formatTable } from '../formatTable.js';

interface Business {
  id: string;
  name: string;
  created_at: string;
}

interface Flags {
  json?: boolean;
  url?: string;
  token?: string;
}

/** `hookline businesses list|create`: the businesses Hookline serves (admin token). */
export function registerBusinesses(program: Command, ctx: CliContext): void {
  const businesses = program.command('businesses').description('list and create businesses (needs the admin token)');

  const list = businesses.command('list').description('list every business').option('--json', 'print the server\u2019s JSON answer instead of a table');
  addClientOptions(list).action(async (flags: Flags) => {
    const page = await apiRequest<{ data: Business[] }>({ client: clientFromFlags(ctx.env, flags), method: 'GET', path: '/v1/businesses' });
    const table = formatTable(page.data, [
      { title: 'ID', value: (b) => b.id },
      { title: 'NAME', value: (b) => b.name },
      { title: 'CREATED', value: (b) => shortTime(b.created_at) },
    ], 'No businesses.');
    printLine(ctx.stdout, flags.json ? JSON.stringify(page, null, 2) : table);
  });

  const create = businesses
    .command('create')
    .description('create a business')
    .argument('<id>', 'its id, chosen by you (letters, digits, - and _), e.g. sunrise-yoga')
    .requiredOption('--name <name>', 'its display name')
    .option('--json', 'print the server\u2019s JSON answer');
  addClientOptions(create).action(async (id: string, flags: Flags & { name: string }) => {
    const created = await apiRequest<Business>({ client: clientFromFlags(ctx.env, flags), method: 'POST', path: '/v1/businesses', body: { id, name: flags.name } });
    printLine(ctx.stdout, flags.json ? JSON.stringify(created, null, 2) : `Created ${created.id} (${created.name}).`);
  });
}
