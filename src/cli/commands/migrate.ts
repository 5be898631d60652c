import type { Command } from 'commander';
import { printLine, type CliContext } from '../CliContext.js';
import { addConfigOptions, configFromFlags } from '../configOptions.js';
import { redactDatabaseUrl } from '../redactDatabaseUrl.js';

const settings = ['databaseUrl'] as const;

export function registerMigrate(program: Command, ctx: CliContext): void {
  const command = program
    .command('migrate')
    .description('apply pending database migrations and exit (serve and worker also do this on start)');
  addConfigOptions(command, settings).action(async (flags: Record<string, unknown>) => {
    const config = configFromFlags(ctx.env, flags, settings);
    const target = redactDatabaseUrl(config.databaseUrl);
    printLine(ctx.stdout, `Migrating ${target}`);
    const { migrate } = await import('../../app.js');
    await migrate(config);
    printLine(ctx.stdout, `Database is up to date (${target})`);
  });
}
