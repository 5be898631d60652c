import { Option, type Command } from 'commander';
// Types only: erased at build, so the CLI loads nothing of the server.
import type { PatchWebhook } from '../api/schemas.js';
import { usageError } from './CliError.js';
import { parseJsonObjectOption, readFlagFile } from './parseDataOption.js';

/** The flags of `webhooks create|update` for what a webhook carries beside its URL and events. */
export interface FeatureFlags {
  filter?: string;
  transformation?: string;
  transformationEnabled?: 'true' | 'false';
  channels?: string;
  auth?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  verification?: 'none' | 'challenge';
}

type Features = Pick<PatchWebhook, 'filter' | 'transformation' | 'channels' | 'auth' | 'tls' | 'verification'>;
type Tls = NonNullable<PatchWebhook['tls']>;

/** What `update` needs of the webhook as it is, to change one part of a field the API replaces whole. */
export interface CurrentWebhook {
  transformation: { code: string; enabled: boolean } | null;
  tls: { client_cert?: string; client_key?: string; ca?: string } | null;
}

export const featureFlagNames = ['--filter', '--transformation', '--transformation-enabled', '--channels', '--auth', '--tls-cert', '--tls-key', '--tls-ca', '--verification'];

// The API's rule (docs/api.md#channels), checked here too because the server's refusal of a
// list item is a schema message that names a pattern, not the name the user typed.
const CHANNEL = /^[A-Za-z0-9\-_.:]{1,128}$/;
const MAX_CHANNELS = 10;

/** `--channels a,b`: the list as typed, blanks dropped; an empty value is the empty list. */
export function channelList(value: string): string[] {
  const channels = value.split(',').map((c) => c.trim()).filter((c) => c !== '');
  const bad = channels.find((c) => !CHANNEL.test(c));
  if (bad !== undefined) throw usageError(`--channels: ${JSON.stringify(bad)} is not a channel name; use 1 to 128 letters, digits, -, _, . or :`);
  if (channels.length > MAX_CHANNELS) throw usageError(`--channels: at most ${MAX_CHANNELS} channels, not ${channels.length}`);
  return channels;
}

const AUTH_TYPES = ['basic', 'bearer', 'oauth2_client_credentials'];

export function addFeatureOptions(command: Command, forUpdate: boolean): Command {
  const none = forUpdate ? ', or none to remove it' : '';
  return command
    .option('--filter <json>', `payload filter, inline JSON or @file.json (docs/filters.md)${forUpdate ? ', or null to remove it' : ''}`)
    .option('--transformation <@file>', `JavaScript defining handler(request), as @file.js (docs/transformations.md)${none}`)
    .addOption(new Option('--transformation-enabled <bool>', 'run the transformation (true) or keep it but send untransformed (false)').choices(['true', 'false']))
    .option('--channels <list>', `comma-separated channels: only events published to one of them${forUpdate ? '; \'\' for any' : ''}`)
    .option('--auth <json>', `endpoint auth, inline JSON or @file.json: {"type":"bearer","token":"…"} (docs/endpoint-auth.md)${forUpdate ? ', or null to remove it' : ''}`)
    .option('--tls-cert <@file>', `client certificate for mutual TLS, PEM as @file${none}`)
    .option('--tls-key <@file>', `its unencrypted private key, PEM as @file${none}`)
    .option('--tls-ca <@file>', `the CAs to trust for this endpoint instead of the public ones, PEM as @file${none}`)
    .addOption(new Option('--verification <mode>', 'challenge: the URL must echo a signed challenge before it receives events').choices(['challenge', 'none']));
}

/** True when the flags change something that `update` must read the webhook for first. */
export function needsCurrent(flags: FeatureFlags): boolean {
  const tlsGiven = flags.tlsCert !== undefined || flags.tlsKey !== undefined || flags.tlsCa !== undefined;
  return tlsGiven || (flags.transformationEnabled !== undefined && flags.transformation === undefined);
}

/**
 * Reads files and checks JSON shapes, so a typo fails before any request; what a value means
 * (operators, PEM contents, channel names) the server checks, and its 422 says what to fix.
 * `current` is given on update when `needsCurrent` says so.
 */
export function featureFields(flags: FeatureFlags, forUpdate: boolean, current?: CurrentWebhook): Features {
  const out: Features = {};
  if (flags.filter !== undefined) out.filter = parseJsonObjectOption('--filter', flags.filter, 'e.g. {"data.amount":{"$gt":100}}', forUpdate);
  if (flags.auth !== undefined) {
    const auth = parseJsonObjectOption('--auth', flags.auth, 'e.g. {"type":"bearer","token":"…"}', forUpdate);
    // The server's refusal of an unknown type lists every branch of its schema; say it plainly.
    if (auth !== null && !AUTH_TYPES.includes(auth.type as string)) throw usageError(`--auth: "type" must be one of ${AUTH_TYPES.join(', ')}`);
    out.auth = auth as Features['auth'];
  }
  if (flags.channels !== undefined) out.channels = channelList(flags.channels);
  if (flags.verification !== undefined) out.verification = flags.verification;

  const enabled = flags.transformationEnabled === undefined ? undefined : flags.transformationEnabled === 'true';
  if (flags.transformation !== undefined && isNone(flags.transformation, forUpdate)) {
    if (enabled !== undefined) throw usageError('--transformation none removes the transformation; leave out --transformation-enabled');
    out.transformation = null;
  } else if (flags.transformation !== undefined) {
    const code = readFlagFile('--transformation', flags.transformation, 'transform.js');
    out.transformation = enabled === undefined ? { code } : { code, enabled };
  } else if (enabled !== undefined) {
    // The API saves code and switch together; the same code again keeps its version.
    const saved = current?.transformation;
    if (!saved) throw usageError('--transformation-enabled: this webhook has no transformation; give --transformation @file.js too');
    out.transformation = { code: saved.code, enabled };
  }

  const tlsGiven = flags.tlsCert !== undefined || flags.tlsKey !== undefined || flags.tlsCa !== undefined;
  if (tlsGiven) {
    // The API replaces tls whole; start from what is stored (its key reads "[redacted]", which
    // the server takes as "keep mine") so that --tls-ca alone leaves the certificate in place.
    const tls: Tls = {};
    for (const member of ['client_cert', 'client_key', 'ca'] as const) {
      const value = current?.tls?.[member];
      if (value !== undefined) tls[member] = value;
    }
    pem(tls, 'client_cert', '--tls-cert', flags.tlsCert, forUpdate, 'client.crt');
    pem(tls, 'client_key', '--tls-key', flags.tlsKey, forUpdate, 'client.key');
    pem(tls, 'ca', '--tls-ca', flags.tlsCa, forUpdate, 'ca.pem');
    out.tls = Object.keys(tls).length === 0 ? null : tls;
  }
  return out;
}

function isNone(value: string, forUpdate: boolean): boolean {
  return forUpdate && value === 'none';
}

function pem(tls: Tls, member: 'client_cert' | 'client_key' | 'ca', flag: string, value: string | undefined, forUpdate: boolean, example: string): void {
  if (value === undefined) return;
  if (isNone(value, forUpdate)) delete tls[member];
  else tls[member] = readFlagFile(flag, value, example);
}
