import type { ApiClient } from './hookline.js';

let made = 0;

/**
 * Creates a business of its own for one test and returns its id, so tests that share a server
 * keep their webhooks and delivery logs apart. Fails loudly when the server refuses, rather
 * than letting the test go on against a business that is not there.
 */
export async function newBusiness(api: ApiClient): Promise<string> {
  const id = `biz-${++made}`;
  const r = await api('POST', '/v1/businesses', { id, name: id });
  if (r.status !== 201) throw new Error(`creating business ${id} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return id;
}
