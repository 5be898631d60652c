import { readFileSync } from 'node:fs';
import { usageError } from './CliError.js';

/**
 * The text of `@path` (as curl reads `--data @file`). Errors name the flag and the file so the
 * user knows which input to fix.
 */
export function readFlagFile(flag: string, value: string, example: string): string {
  if (!value.startsWith('@')) throw usageError(`${flag} takes a file as @path, e.g. ${flag} @${example}`);
  const path = value.slice(1);
  if (!path) throw usageError(`${flag} @ needs a file name, e.g. ${flag} @${example}`);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? String(err));
    throw usageError(`${flag}: cannot read ${path}: ${why}`);
  }
}

/** A JSON flag: `@path` names a JSON file, anything else is inline JSON. */
export function parseJsonOption(flag: string, value: string, example = 'file.json'): unknown {
  const fromFile = value.startsWith('@');
  const text = fromFile ? readFlagFile(flag, value, example) : value;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw usageError(`${flag}: ${fromFile ? value.slice(1) : 'inline JSON'} is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * A JSON object flag such as `--filter` or `--auth`; `null` (when `nullable`) is the API's
 * "remove it". Arrays, numbers and strings are refused here, before any request.
 */
export function parseJsonObjectOption(flag: string, value: string, what: string, nullable: boolean): Record<string, unknown> | null {
  const parsed = parseJsonOption(flag, value);
  if (parsed === null && nullable) return null;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const got = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    throw usageError(`${flag}: expected a JSON object (${what})${nullable ? ', or null to remove it' : ''}; got ${got}`);
  }
  return parsed as Record<string, unknown>;
}

/** Reads `--data`: `@path` names a JSON file, anything else is inline JSON. */
export function parseDataOption(value: string): unknown {
  return parseJsonOption('--data', value, 'event.json');
}
