/**
 * `@hookline/verify` (also `hookline/verify`): checks, on the receiving side, that a request
 * really came from Hookline in any of its dialects. Zero dependencies beyond node:crypto, and
 * nothing from the rest of Hookline, so receivers can install it alone. See docs/verify.md.
 */
export { verifyWebhook, dialects, DEFAULT_TOLERANCE_SECONDS } from './verifyWebhook.js';
export type { DialectName, VerifiedWebhook, VerifyOptions } from './verifyWebhook.js';
export { answerChallenge } from './answerChallenge.js';
export type { ChallengeAnswer } from './answerChallenge.js';
export { WebhookVerifier, DEFAULT_DEDUPE_TTL_SECONDS } from './WebhookVerifier.js';
export type { VerifierOptions } from './WebhookVerifier.js';
export { MemoryDedupeStore } from './DedupeStore.js';
export type { DedupeStore, MemoryDedupeOptions } from './DedupeStore.js';
export { VerifyError, rejection } from './VerifyError.js';
export type { VerifyErrorCode } from './VerifyError.js';
export type { HeaderInput } from './headers.js';
export { expressWebhook } from './adapters/express.js';
export { fastifyWebhook } from './adapters/fastify.js';
export { honoWebhook } from './adapters/hono.js';
