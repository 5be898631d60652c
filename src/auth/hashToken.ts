import { createHash } from 'node:crypto';

/**
 * Tokens carry 256 random bits, so a plain SHA-256 is enough to store them: there is nothing
 * to brute-force, and looking a token up by its hash keeps the comparison out of user code.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
