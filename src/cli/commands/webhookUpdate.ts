import { InvalidArgumentError, Option, type Command } from 'commander';
// Types only: erased at build, so the CLI loads nothing of the server.
import type { PatchWebhook } from '../../api/schemas.js';
import { apiRequest } from '../apiRequest.js';
import { printLine, type CliContext } from '../CliContext.js';
import { usageError } from '../CliError.js';
import { addClientOptions, clientFromFlags } from '../clientOptions.js';
import { addFeatureOptions, featureFields, featureFlagNames, needsCurrent, type FeatureFlags } from '../webhookFeatureFlags.js';
import { eventList, webhookState, webhooksPath, type Webhook } from './webhooks.js';

interface UpdateFlags extends FeatureFlags {
  business: string;
  name?: string;
  target?: string;
  events?: string;
  dialect?: string;
  enable?: boolean;
  disable?: boolean;
  timeoutMs?: number;
  rateLimit?: number | 'none';
  maxInFlight?: number;
  ordering?: 'none' | 'fifo';
  json?: boolean;
  url?: string;
  token?: string;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n)) throw new InvalidArgumentError('expected a whole number.');
  return n;
}

// "none" lifts the limit (the API's null; kept as the word here, since commander turns a parsed
// null into ''); anything else must be a number the server then bounds.
function rate(value: string): number | 'none' {
  if (value === 'none') return 'none';
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected requests per second, e.g. 5 or 0.5, or "none".');
  return n;
}

/**
 * `hookline webhooks update <id>`: changes only the fields given (a PATCH). The server checks
 * the values, so its bounds and messages stay in one place; the CLI checks only that a number
 * is a number and that something was asked for.
 */
export function registerWebhookUpdate(webhooks: Command, ctx: CliContext): void {
  const update = webhooks
    .command('update')
    .description('change a webhook: only the fields given change')
    .argument('<id>', 'the webhook\u2019s id (wh_\u2026)')
    .requiredOption('--business <id>', 'the business it belongs to')
    .option('--name <name>', 'a new name')
    .option('--target <url>', 'a new receiver URL')
    .option('--events <list>', 'the new comma-separated event types (replaces the list)')
    .option('--dialect <name>', 'a new wire format')
    .addOption(new Option('--enable', 'enable it (a disabled webhook resumes its deliveries)').conflicts('disable'))
    .option('--disable', 'disable it: nothing is sent until it is enabled again')
    .option('--timeout-ms <ms>', 'per-attempt timeout, 100 to 60000', wholeNumber)
    .option('--rate-limit <n>', 'requests per second, or "none"', rate)
    .option('--max-in-flight <n>', 'attempts open at once', wholeNumber)
    .addOption(new Option('--ordering <mode>', 'delivery order').choices(['none', 'fifo']));
  addFeatureOptions(update, true).option('--json', 'print the server\u2019s JSON answer');
  addClientOptions(update).action(async (id: string, flags: UpdateFlags) => {
    const client = clientFromFlags(ctx.env, flags);
    const current = needsCurrent(flags) ? await apiRequest<Webhook>({ client, method: 'GET', path: webhooksPath(flags.business, id) }) : undefined;
    const body: PatchWebhook = featureFields(flags, true, current);
    if (flags.name !== undefined) body.name = flags.name;
    if (flags.target !== undefined) body.url = flags.target;
    if (flags.events !== undefined) body.events = eventList(flags.events);
    if (flags.dialect !== undefined) body.dialect = flags.dialect;
    if (flags.enable) body.enabled = true;
    if (flags.disable) body.enabled = false;
    if (flags.timeoutMs !== undefined) body.timeout_ms = flags.timeoutMs;
    if (flags.rateLimit !== undefined) body.rate_limit = flags.rateLimit === 'none' ? null : flags.rateLimit;
    if (flags.maxInFlight !== undefined) body.max_in_flight = flags.maxInFlight;
    if (flags.ordering !== undefined) body.ordering = flags.ordering;
    if (Object.keys(body).length === 0) {
      throw usageError(`nothing to change: give at least one of --name, --target, --events, --dialect, --enable, --disable, --timeout-ms, --rate-limit, --max-in-flight, --ordering, ${featureFlagNames.join(', ')}`);
    }
    const w = await apiRequest<Webhook>({ client, method: 'PATCH', path: webhooksPath(flags.business, id), body });
    const text = `Updated ${w.id} (${w.name}) \u2192 ${w.url} for ${w.events.join(',')}, ${webhookState(w)}`;
    printLine(ctx.stdout, flags.json ? JSON.stringify(w, null, 2) : text);
  });
}
