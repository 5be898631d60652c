import { readFileSync } from 'node:fs';
import { usageError } from './CliError.js';

/**
 * Reads `--data`: `@path` names a JSON file (as curl does), anything else is inline JSON.
 * Errors name the flag and the file so the user knows which input to fix.
 */
export function parseDataOption(value: string): unknown {
  let text = value;
  let source = 'inline JSON';
  if (value.startsWith('@')) {
    const path = value.slice(1);
    if (!path) throw usageError('--data @ needs a file name, e.g. --data @event.json');
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      const code = (err as { code?: string }).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? String(err));
      throw usageError(`--data: cannot read ${path}: ${why}`);
    }
    source = path;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw usageError(`--data: ${source} is not valid JSON: ${(err as Error).message}`);
  }
}
