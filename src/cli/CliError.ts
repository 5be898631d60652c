/**
 * A failure the CLI reports itself (the server's problem answer, an unreachable server, a bad
 * `--data`) rather than one raised by the engine's catalogue in src/errors.ts.
 */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: 1 | 2) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Exit 2 means "what you typed is wrong", so scripts can tell it from an outage (exit 1). */
export const usageError = (message: string): CliError => new CliError(message, 2);
