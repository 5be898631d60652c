import { CommanderError } from 'commander';
import { isHooklineError } from '../errors.js';
import { CliError } from './CliError.js';

export interface ErrorReport {
  /** The line to print after `hookline: `, or null when nothing should be printed. */
  readonly line: string | null;
  readonly exitCode: number;
}

// Commander has already written help or the version for these; they are not failures.
const helpCodes = new Set(['commander.helpDisplayed', 'commander.version', 'commander.help']);

/** Turns anything a command threw into one line and an exit code (0 ok, 1 failure, 2 bad input). */
export function describeError(err: unknown): ErrorReport {
  if (err instanceof CommanderError) {
    if (helpCodes.has(err.code)) return { line: null, exitCode: err.exitCode === 0 ? 0 : 2 };
    return { line: `${oneLine(err.message.replace(/^error:\s*/, '')).replace(/\.$/, '')}; see --help`, exitCode: 2 };
  }
  if (err instanceof CliError) return { line: oneLine(err.message), exitCode: err.exitCode };
  if (isHooklineError(err)) {
    // The catalogue maps CONFIG_INVALID to HTTP 500 because a server cannot blame its caller
    // for its own settings; at the command line those settings are exactly what the user typed.
    const exitCode = err.code === 'CONFIG_INVALID' ? 2 : err.exitCode;
    return { line: oneLine(err.message), exitCode };
  }
  if (err instanceof Error) return { line: oneLine(err.message || err.name), exitCode: 1 };
  return { line: oneLine(String(err)), exitCode: 1 };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
