import type { FastifyInstance } from 'fastify';
import { HooklineError } from '../errors.js';

/**
 * How deep a request body may nest, counting the body itself: `{"data": {"a": 1}}` is two levels.
 * Deeper data broke serialisation (JSON.stringify's recursion overflowed at ~6,000 levels: a
 * 500 instead of a 4xx, issue 12), and no event a business software sends is anywhere near it.
 */
export const MAX_BODY_DEPTH = 64;

/**
 * JSON bodies as Hookline reads them: an empty body is no body, whatever its Content-Type says
 * (many HTTP clients send `Content-Type: application/json` on every request, DELETE included),
 * and a body nested deeper than MAX_BODY_DEPTH is a 400. Otherwise Fastify's own parser, which
 * refuses `__proto__` and `constructor.prototype` keys.
 */
export function registerJsonBody(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const headers = request.raw.headers;
    if (headers['content-length'] === '0' && headers['transfer-encoding'] === undefined) delete headers['content-type'];
  });
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    parse(request, text, (err, value) => {
      if (err) return done(err, undefined);
      // A body shorter than two characters per level cannot be too deep: skip the walk.
      if (text.length > 2 * MAX_BODY_DEPTH && nestsDeeperThan(value, MAX_BODY_DEPTH)) {
        return done(
          new HooklineError('BODY_TOO_DEEP', `The body nests objects and arrays more than ${MAX_BODY_DEPTH} levels deep (event data included); flatten the data to at most ${MAX_BODY_DEPTH} levels.`),
          undefined,
        );
      }
      done(null, value);
    });
  });
}

/**
 * Walks without recursion, so a body of any depth can be measured. Two parallel stacks and
 * `for…in` rather than `[value, depth]` pairs and `Object.values`, which took twice as long.
 * For a batch of 1,000 600-byte events the walk takes 0.5–0.6 ms, a tenth of its JSON.parse.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop() as object;
    const depth = depths.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > limit) return true;
    if (Array.isArray(v)) {
      for (const child of v) {
        if (typeof child === 'object' && child !== null) {
          stack.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in v) {
        const child = (v as Record<string, unknown>)[key];
        if (typeof child === 'object' && child !== null) {
          stack.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}
