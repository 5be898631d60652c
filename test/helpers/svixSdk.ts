import assert from 'node:assert/strict';
import { ApiException, Svix } from 'svix';
import type { TestInstance } from './hookline.js';

/** The official SDK pointed at a test server. No retries: a 5xx here is a bug to see, not to paper over. */
export function svixClient(h: TestInstance, token = h.adminToken): Svix {
  return new Svix(token, { serverUrl: h.url, numRetries: 0 } as ConstructorParameters<typeof Svix>[1]);
}

/** The ApiException a call of the SDK raises; fails the test when the call succeeds. */
export async function apiError(p: Promise<unknown>): Promise<ApiException<any>> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiException) return err;
    throw err;
  }
  assert.fail('expected the SDK to raise an ApiException');
}
