import type { Command } from 'commander';
import { loadClientConfig, type ClientConfig } from '../config.js';
import { usageError } from './CliError.js';
import { readProfile } from './profiles.js';

/** `--url`, `--token` and `--profile` for the commands that talk to a running server. */
export function addClientOptions(command: Command): Command {
  // Asking loadClientConfig for its own default keeps the help text from restating it.
  const defaultUrl = loadClientConfig({}).url;
  return command
    .option('--url <url>', `the Hookline server (env: HOOKLINE_URL, then the profile, default: ${defaultUrl})`)
    .option('--token <token>', 'bearer token, admin or business (env: HOOKLINE_TOKEN, then HOOKLINE_ADMIN_TOKEN, then the profile)')
    .option('--profile <name>', 'the `hookline login` profile to use (env: HOOKLINE_PROFILE, default: default)');
}

/**
 * Flags win over the environment, which wins over the saved profile: a script's explicit
 * settings are never overridden by what someone once logged in with.
 */
export function clientFromFlags(
  env: Readonly<Record<string, string | undefined>>,
  flags: { url?: string; token?: string; profile?: string },
): ClientConfig {
  const name = flags.profile ?? env.HOOKLINE_PROFILE;
  const profile = readProfile(env, name ?? 'default');
  // Asking for a profile by name that does not exist is a mistake; having none at all is not.
  if (name !== undefined && profile === null) throw usageError(`no profile "${name}"; create it with \`hookline login --profile ${name}\``);
  const overrides: { url?: string; token?: string } = {};
  if (flags.url !== undefined) overrides.url = flags.url;
  else if (!env.HOOKLINE_URL && profile) overrides.url = profile.url;
  if (flags.token !== undefined) overrides.token = flags.token;
  else if (!env.HOOKLINE_TOKEN && !env.HOOKLINE_ADMIN_TOKEN && profile) overrides.token = profile.token;
  return loadClientConfig(env, overrides);
}
