import type { Command } from 'commander';
import type { Config } from '../../config.js';
import { printLine, type CliContext } from '../CliContext.js';
import { addConfigOptions, allSettings, configFromFlags } from '../configOptions.js';
import { redactDatabaseUrl } from '../redactDatabaseUrl.js';
import { stopOnSignal } from '../stopOnSignal.js';
import { tuneHeapForServer } from '../tuneHeap.js';

// A worker serves no HTTP, so the settings that only shape the API are not offered.
const apiOnly: ReadonlySet<keyof Config> = new Set(['port', 'host', 'adminToken', 'publicUrl', 'maxWebhooksPerBusiness', 'maxWebhookInFlight', 'maxWebhookTimeoutMs', 'portalFrameAncestors', 'portalName', 'portalAccent', 'portalMode']);
const workerSettings = allSettings.filter((key) => !apiOnly.has(key));

export function registerWorker(program: Command, ctx: CliContext): void {
  const command = program
    .command('worker')
    .description('run the dispatcher only, next to `hookline serve` processes sharing one PostgreSQL database');
  addConfigOptions(command, workerSettings).action(async (flags: Record<string, unknown>) => {
    const config = configFromFlags(ctx.env, flags, workerSettings);
    tuneHeapForServer();
    const { startHookline } = await import('../../app.js');
    const handle = await startHookline(config, { mode: 'worker' });
    // Before the line that says it started: a supervisor may signal as soon as it reads it.
    const stopped = stopOnSignal(handle, ctx);
    printLine(ctx.stdout, `Hookline worker started (database: ${redactDatabaseUrl(config.databaseUrl)})`);
    await stopped;
    ctx.exit(0);
  });
}
