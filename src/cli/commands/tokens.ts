import type { Command } from 'commander';
// Types only: erased at build, so the CLI loads nothing of the server.
import type { IssuedToken } from '../../api/tokenSchemas.js';
import { apiRequest } from '../apiRequest.js';
import { printLine, type CliContext } from '../CliContext.js';
import { addClientOptions, clientFromFlags } from '../clientOptions.js';
import { formatTokensTable, type TokenListRow } from '../formatTokensTable.js';

interface ClientFlags {
  business: string;
  json?: boolean;
  url?: string;
  token?: string;
}

const tokensPath = (business: string): string => `/v1/businesses/${encodeURIComponent(business)}/tokens`;

/** `hookline tokens create|list|revoke`: a business's tokens, through the API with the admin token. */
export function registerTokens(program: Command, ctx: CliContext): void {
  const tokens = program.command('tokens').description('issue, list and revoke a business\u2019s tokens (needs the admin token)');

  const create = tokens
    .command('create')
    .description('issue a business token; it is printed once and cannot be shown again')
    .requiredOption('--business <id>', 'the business the token reaches')
    .option('--name <name>', 'what the token is for, to tell tokens apart')
    .option('--expires-at <time>', 'ISO 8601 time with a zone (2030-01-31T00:00:00Z) after which it is refused; default never')
    .option('--json', 'print the server\u2019s JSON answer');
  addClientOptions(create).action(async (flags: ClientFlags & { name?: string; expiresAt?: string }) => {
    const body: Record<string, string> = {};
    if (flags.name !== undefined) body.name = flags.name;
    if (flags.expiresAt !== undefined) body.expires_at = flags.expiresAt;
    const issued = await apiRequest<IssuedToken>({ client: clientFromFlags(ctx.env, flags), method: 'POST', path: tokensPath(flags.business), body });
    if (flags.json) {
      printLine(ctx.stdout, JSON.stringify(issued, null, 2));
      return;
    }
    printLine(ctx.stdout, `Token ${issued.id} for ${issued.business}${issued.expires_at ? `, expires ${issued.expires_at}` : ''} (shown once, store it now):`);
    printLine(ctx.stdout, issued.token);
  });

  const list = tokens
    .command('list')
    .description('list a business\u2019s tokens, oldest first (never the tokens themselves)')
    .requiredOption('--business <id>', 'the business whose tokens to list')
    .option('--json', 'print the server\u2019s JSON answer instead of a table');
  addClientOptions(list).action(async (flags: ClientFlags) => {
    const page = await apiRequest<{ data: TokenListRow[] }>({ client: clientFromFlags(ctx.env, flags), method: 'GET', path: tokensPath(flags.business) });
    printLine(ctx.stdout, flags.json ? JSON.stringify(page, null, 2) : formatTokensTable(page.data));
  });

  const revoke = tokens
    .command('revoke')
    .description('revoke a business token by its id; every process refuses it within a second')
    .argument('<id>', 'the token\u2019s id (tok_…), as `hookline tokens list` shows it')
    .requiredOption('--business <id>', 'the business the token belongs to')
    .option('--json', 'print {"revoked": id} instead of a sentence');
  addClientOptions(revoke).action(async (id: string, flags: ClientFlags) => {
    await apiRequest<void>({ client: clientFromFlags(ctx.env, flags), method: 'DELETE', path: `${tokensPath(flags.business)}/${encodeURIComponent(id)}` });
    printLine(ctx.stdout, flags.json ? JSON.stringify({ revoked: id }) : `Revoked ${id}.`);
  });
}
