import type { Command } from 'commander';
import { printLine, type CliContext } from '../CliContext.js';
import { addConfigOptions, allSettings, configFromFlags } from '../configOptions.js';
import { stopOnSignal } from '../stopOnSignal.js';
import { tuneHeapForServer } from '../tuneHeap.js';

export function registerServe(program: Command, ctx: CliContext): void {
  const command = program
    .command('serve')
    .description('run the HTTP API and the dispatcher')
    .addHelpText('after', '\nFlags win over environment variables, which win over defaults.');
  addConfigOptions(command, allSettings).action(async (flags: Record<string, unknown>) => {
    const config = configFromFlags(ctx.env, flags, allSettings);
    tuneHeapForServer();
    const { startHookline } = await import('../../app.js');
    const handle = await startHookline(config, { mode: 'serve' });
    // Before the line that says it is ready: a supervisor may signal as soon as it reads it.
    const stopped = stopOnSignal(handle, ctx);
    printLine(ctx.stdout, `Hookline listening on ${handle.url}`);
    printLine(ctx.stdout, `Dashboard: ${handle.url}/ (sign in with the admin token or a business token)`);
    if (handle.generatedAdminToken) printAdminToken(ctx, handle.generatedAdminToken);
    await stopped;
    ctx.exit(0);
  });
}

// Only a hash is stored, so this is the one chance to copy the token.
function printAdminToken(ctx: CliContext, token: string): void {
  const lines = [
    '',
    'A new admin token was generated. Only its hash is kept, so this is the only time it is shown.',
    `Admin token (shown once, store it now): ${token}`,
    'Use it as HOOKLINE_TOKEN for `hookline send` and `hookline deliveries`.',
    '',
  ];
  for (const line of lines) printLine(ctx.stdout, line);
}
