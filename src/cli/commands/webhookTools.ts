import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Static } from '@sinclair/typebox';
// Types only: erased at build, so the CLI loads nothing of the server.
import type { FilterTest } from '../../api/filterTestSchemas.js';
import type { TransformationSimulate, TransformationSimulation } from '../../api/transformationSchemas.js';
import { apiRequest } from '../apiRequest.js';
import { printLine, type CliContext } from '../CliContext.js';
import { CliError, usageError } from '../CliError.js';
import { addClientOptions, clientFromFlags } from '../clientOptions.js';
import { shortTime } from '../formatDeliveriesTable.js';
import { formatTable } from '../formatTable.js';
import { parseJsonObjectOption, readFlagFile } from '../parseDataOption.js';
import { webhooksPath, type Webhook } from './webhooks.js';

interface ClientFlags {
  business: string;
  json?: boolean;
  url?: string;
  token?: string;
}

interface Explanation {
  pointer: string;
  holds: boolean;
  message: string;
  because?: Explanation[];
}

type FilterOneResult = { matches: boolean; explanation: Explanation };
type FilterLastResult = { matched: number; total: number; examples: { id: string; type: string; occurred_at: string }[] };

function lastCount(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('expected a whole number from 1 to 1000.');
  return n;
}

/** `hookline webhooks simulate` and `filter-test`: try a transformation or a filter without sending or saving anything. */
export function registerWebhookTools(webhooks: Command, ctx: CliContext): void {
  const simulate = webhooks
    .command('simulate')
    .description('show the request a webhook\u2019s transformation would send for one event; nothing is sent')
    .argument('<id>', 'the webhook\u2019s id (wh_\u2026)')
    .requiredOption('--business <id>', 'the business it belongs to')
    .addOption(new Option('--event-id <id>', 'a stored event to run it on (default: the business\u2019s newest)').conflicts('event'))
    .option('--event <json>', 'an event written out, inline JSON or @file.json: {"type", "data", "id"?, "occurred_at"?}')
    .option('--code <@file>', 'code to try instead of the saved transformation, as @file.js')
    .option('--json', 'print the server\u2019s JSON answer');
  addClientOptions(simulate).action(async (id: string, flags: ClientFlags & { eventId?: string; event?: string; code?: string }) => {
    const body: TransformationSimulate = {};
    if (flags.code !== undefined) body.code = readFlagFile('--code', flags.code, 'transform.js');
    if (flags.eventId !== undefined) body.event_id = flags.eventId;
    if (flags.event !== undefined) body.event = parseJsonObjectOption('--event', flags.event, '{"type": "client/created", "data": {…}}', false) as TransformationSimulate['event'];
    const client = clientFromFlags(ctx.env, flags);
    const sim = await apiRequest<Static<typeof TransformationSimulation>>({ client, method: 'POST', path: webhooksPath(flags.business, id, 'transformation/simulate'), body });
    if (flags.json) printLine(ctx.stdout, JSON.stringify(sim, null, 2));
    const version = sim.version === null ? 'the given code' : `version ${sim.version}`;
    // A transformation that fails is the user's code to fix: exit 2, so a script can gate on it.
    if (sim.outcome === 'error') throw new CliError(`the transformation (${version}) fails on ${sim.event_id}: ${sim.error ?? 'no reason given'}`, 2);
    if (flags.json) return;
    if (sim.outcome === 'cancel') {
      printLine(ctx.stdout, `The transformation (${version}) cancels the delivery of ${sim.event_id}: nothing would be sent.`);
      return;
    }
    const r = sim.request!;
    const lines = [`${r.method} ${r.url}`, ...Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`), '', prettyBody(r.body)];
    printLine(ctx.stdout, `The transformation (${version}) would send, for ${sim.event_id}:\n\n${lines.join('\n')}`);
  });

  const verify = webhooks
    .command('verify')
    .description('send the ownership challenge again and show whether the URL answered it')
    .argument('<id>', 'the webhook\u2019s id (wh_\u2026)')
    .requiredOption('--business <id>', 'the business it belongs to')
    .option('--json', 'print the server\u2019s JSON answer');
  addClientOptions(verify).action(async (id: string, flags: ClientFlags) => {
    const client = clientFromFlags(ctx.env, flags);
    const w = await apiRequest<Webhook>({ client, method: 'POST', path: webhooksPath(flags.business, id, 'verify'), body: {} });
    const text = w.verification_state === 'pending_verification'
      ? `${w.id} is still pending verification: ${w.verification_error ?? 'no answer yet'}.`
      : `${w.id} is ${w.verification_state === 'verified' ? 'verified' : 'not asked to verify (verification none)'}.`;
    printLine(ctx.stdout, flags.json ? JSON.stringify(w, null, 2) : text);
  });

  const filterTest = webhooks
    .command('filter-test')
    .description('try a payload filter against one event or the business\u2019s last N events; nothing is saved')
    .requiredOption('--business <id>', 'whose events')
    .requiredOption('--filter <json>', 'the filter, inline JSON or @file.json (docs/filters.md)')
    .addOption(new Option('--last <n>', 'try the business\u2019s last N stored events, 1 to 1000').argParser(lastCount).conflicts('event'))
    .option('--event <json>', 'one event written out, inline JSON or @file.json: {"type", "data", "occurred_at"?}')
    .option('--json', 'print the server\u2019s JSON answer');
  addClientOptions(filterTest).action(async (flags: ClientFlags & { filter: string; last?: number; event?: string }) => {
    const filter = parseJsonObjectOption('--filter', flags.filter, 'e.g. {"data.amount":{"$gt":100}}', false)!;
    if (flags.last === undefined && flags.event === undefined) throw usageError('give --last <n> (the business\u2019s last N events) or --event <json> (one written out)');
    const body: FilterTest = { filter };
    if (flags.last !== undefined) body.last = flags.last;
    if (flags.event !== undefined) body.event = parseJsonObjectOption('--event', flags.event, '{"type": "invoice/paid", "data": {…}}', false) as FilterTest['event'];
    const client = clientFromFlags(ctx.env, flags);
    const result = await apiRequest<FilterOneResult | FilterLastResult>({ client, method: 'POST', path: webhooksPath(flags.business, 'filter-test'), body });
    if (flags.json) {
      printLine(ctx.stdout, JSON.stringify(result, null, 2));
      return;
    }
    if ('matches' in result) {
      printLine(ctx.stdout, `${result.matches ? 'Matches' : 'Does not match'}:\n${explain(result.explanation, 1).join('\n')}`);
      return;
    }
    if (result.total === 0) {
      printLine(ctx.stdout, `${flags.business} has no events yet; try the filter on one written out with --event.`);
      return;
    }
    printLine(ctx.stdout, `${result.matched} of the last ${result.total} event${result.total === 1 ? '' : 's'} match.`);
    if (result.examples.length === 0) return;
    printLine(ctx.stdout, `\n${formatTable(result.examples, [
      { title: 'EVENT', value: (e) => e.id },
      { title: 'TYPE', value: (e) => e.type },
      { title: 'OCCURRED', value: (e) => shortTime(e.occurred_at) },
    ], '')}`);
  });
}

// The deciding clause, then the clauses that decided it, indented beneath.
function explain(e: Explanation, depth: number): string[] {
  const line = `${'  '.repeat(depth)}${e.holds ? '\u2713' : '\u2717'} ${e.pointer || '/'}: ${e.message}`;
  return [line, ...(e.because ?? []).flatMap((b) => explain(b, depth + 1))];
}

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
