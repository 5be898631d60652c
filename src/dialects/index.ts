import type { Dialect } from './Dialect.js';
import { standardDialect } from './standard.js';

/** Every wire format by name. The sender looks dialects up here and knows none of them itself. */
const dialects = new Map<string, Dialect>([[standardDialect.name, standardDialect]]);

export const dialectNames = (): string[] => [...dialects.keys()];

export function findDialect(name: string): Dialect | undefined {
  return dialects.get(name);
}

export type { Dialect, RenderInput, RenderedRequest, DialectWebhook } from './Dialect.js';
export { signingSecrets } from './Dialect.js';
