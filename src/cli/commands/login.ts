import type { Command } from 'commander';
import { apiRequest } from '../apiRequest.js';
import { printLine, type CliContext } from '../CliContext.js';
import { usageError } from '../CliError.js';
import { loadClientConfig } from '../../config.js';
import { saveProfile } from '../profiles.js';

/** `hookline login`: checks a server address and token, then saves them as a profile. */
export function registerLogin(program: Command, ctx: CliContext): void {
  program
    .command('login')
    .description('save a server address and token as a profile, so other commands need neither')
    .option('--url <url>', 'the Hookline server (env: HOOKLINE_URL, default: http://127.0.0.1:8080)')
    .option('--token <token>', 'bearer token, admin or business (env: HOOKLINE_TOKEN, then HOOKLINE_ADMIN_TOKEN)')
    .option('--profile <name>', 'the profile to save (default: default)', 'default')
    .option('--json', 'print {"profile", "url", "file"} instead of a sentence (never the token)')
    .action(async (flags: { url?: string; token?: string; profile: string; json?: boolean }) => {
      const overrides: { url?: string; token?: string } = {};
      if (flags.url !== undefined) overrides.url = flags.url;
      if (flags.token !== undefined) overrides.token = flags.token;
      const client = loadClientConfig(ctx.env, overrides);
      if (!client.token) throw usageError('no token: pass --token or set HOOKLINE_TOKEN');
      // Only the admin token may list businesses; a business token gets a 403, which still says
      // the server knows it. A 401 (unknown, revoked, expired) stops here and nothing is saved.
      await apiRequest<unknown>({ client, method: 'GET', path: '/v1/businesses', forbiddenIsOk: true });
      const file = saveProfile(ctx.env, flags.profile, { url: client.url, token: client.token });
      const saved = { profile: flags.profile, url: client.url, file };
      printLine(ctx.stdout, flags.json ? JSON.stringify(saved, null, 2) : `Saved profile ${flags.profile} for ${client.url} in ${file}.`);
    });
}
