import { VerifyError } from './VerifyError.js';

/**
 * Request headers as any framework hands them over: a fetch `Headers` (Hono, undici), Node's
 * lowercase `IncomingHttpHeaders` (Express, Fastify, node:http), or a plain record in any case.
 */
export type HeaderInput =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

export type HeaderReader = (name: string) => string | undefined;

export function headerReader(input: HeaderInput): HeaderReader {
  if (typeof (input as { get?: unknown }).get === 'function') {
    const h = input as { get(name: string): string | null };
    return (name) => h.get(name) ?? undefined;
  }
  const record = input as Readonly<Record<string, string | readonly string[] | undefined>>;
  return (name) => {
    const lower = name.toLowerCase();
    let value = record[lower] ?? record[name];
    if (value === undefined) {
      for (const key of Object.keys(record)) if (key.toLowerCase() === lower) value = record[key];
    }
    return Array.isArray(value) ? value.join(', ') : (value as string | undefined);
  };
}

export function requireHeader(read: HeaderReader, name: string): string {
  const value = read(name);
  if (value === undefined || value.trim() === '') throw new VerifyError('missing_header', `The ${name} header is missing.`);
  return value.trim();
}
