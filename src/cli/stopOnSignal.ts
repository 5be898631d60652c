import type { HooklineHandle } from '../app.js';
import { printLine, type CliContext } from './CliContext.js';

const signals = ['SIGTERM', 'SIGINT'] as const;

/**
 * Resolves once the instance has stopped after SIGTERM or SIGINT. A second signal while the
 * first drain is running exits at once with code 1: the operator has decided not to wait,
 * and anything not yet delivered is still in the database for the next start.
 */
export function stopOnSignal(handle: HooklineHandle, ctx: CliContext): Promise<void> {
  return new Promise((resolve, reject) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        printLine(ctx.stderr, `hookline: ${signal} again, exiting without waiting for the drain`);
        ctx.exit(1);
      }
      stopping = true;
      printLine(ctx.stdout, `Hookline stopping (${signal}); send it again to exit at once`);
      handle.stop().then(() => {
        printLine(ctx.stdout, 'Hookline stopped');
        resolve();
      }, reject);
    };
    for (const signal of signals) process.on(signal, onSignal);
    // No drain: what is not delivered is in the database for the next start, and a process
    // that cannot store must be restarted by its supervisor rather than kept answering 503.
    handle.events.once('fatal', (err) => {
      printLine(ctx.stderr, `hookline: ${err.message}; exiting`);
      ctx.exit(1);
    });
  });
}
