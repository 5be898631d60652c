import type { Command } from 'commander';
import { loadClientConfig, type ClientConfig } from '../config.js';

/** `--url` and `--token` for the commands that talk to a running server. */
export function addClientOptions(command: Command): Command {
  // Asking loadClientConfig for its own default keeps the help text from restating it.
  const defaultUrl = loadClientConfig({}).url;
  return command
    .option('--url <url>', `the Hookline server (env: HOOKLINE_URL, default: ${defaultUrl})`)
    .option('--token <token>', 'bearer token, admin or business (env: HOOKLINE_TOKEN, then HOOKLINE_ADMIN_TOKEN)');
}

export function clientFromFlags(
  env: Readonly<Record<string, string | undefined>>,
  flags: { url?: string; token?: string },
): ClientConfig {
  const overrides: { url?: string; token?: string } = {};
  if (flags.url !== undefined) overrides.url = flags.url;
  if (flags.token !== undefined) overrides.token = flags.token;
  return loadClientConfig(env, overrides);
}
