import { Command } from 'commander';
import { VERSION } from '../version.js';
import type { CliContext } from './CliContext.js';
import { registerBench } from './commands/bench.js';
import { registerDeliveries } from './commands/deliveries.js';
import { registerTokens } from './commands/tokens.js';
import { registerBusinesses } from './commands/businesses.js';
import { registerWebhooks } from './commands/webhooks.js';
import { registerEvents } from './commands/events.js';
import { registerLogin } from './commands/login.js';
import { registerListen } from './commands/listen.js';
import { registerMigrate } from './commands/migrate.js';
import { registerSend } from './commands/send.js';
import { registerServe } from './commands/serve.js';
import { registerWorker } from './commands/worker.js';

// The commands that run the engine import it only when they run: `send`, `deliveries` and
// `--help` then start without loading the server, its database driver and its schemas.

/** Builds the `hookline` command tree. Errors are thrown, never printed, so main reports them once. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('hookline')
    .description('Self-hosted outbound webhooks: durable delivery, signing, retries and a delivery log.')
    .version(VERSION, '-v, --version', 'print the version')
    // Set before the commands are added: commander copies these settings into each of them.
    .exitOverride()
    // Lets `deliveries` take its own flags and also have subcommands (get, retry).
    .enablePositionalOptions()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
      outputError: () => {},
    })
    .addHelpText('after', '\nExit codes: 0 ok, 1 failure, 2 invalid input (a flag, a setting, or a request the server refused).');

  registerServe(program, ctx);
  registerWorker(program, ctx);
  registerMigrate(program, ctx);
  registerSend(program, ctx);
  registerDeliveries(program, ctx);
  registerTokens(program, ctx);
  registerBusinesses(program, ctx);
  registerWebhooks(program, ctx);
  registerEvents(program, ctx);
  registerLogin(program, ctx);
  registerListen(program, ctx);
  registerBench(program, ctx);
  return program;
}
