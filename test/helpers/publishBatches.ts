import assert from 'node:assert/strict';
import type { ApiBatchAccepted } from './apiShapes.js';
import type { ApiClient } from './hookline.js';

export interface PublishBatchesOptions {
  /** Events to a batch (default 50). */
  per?: number;
  /** A batch answered other than 202 fails the test (default), or is left out of the ids. */
  refused?: 'fail' | 'skip';
  /** For a process the test is about to kill: a dropped connection ends the run instead of failing it. */
  stopOnError?: boolean;
}

/**
 * Publishes `count` `invoice/paid` events with ids `${prefix}-${n}` to `business`, a batch at
 * a time, and returns the ids that were accepted: what the suites that run several processes
 * then expect every receiver to get.
 */
export async function publishBatches(api: ApiClient, business: string, prefix: string, count: number, opts: PublishBatchesOptions = {}): Promise<string[]> {
  const { per = 50, refused = 'fail', stopOnError = false } = opts;
  const accepted: string[] = [];
  for (let i = 0; i < count; i += per) {
    const events = Array.from({ length: Math.min(per, count - i) }, (_, j) => ({ id: `${prefix}-${i + j}`, type: 'invoice/paid', data: { n: i + j } }));
    let r;
    try {
      r = await api<ApiBatchAccepted>('POST', `/v1/businesses/${business}/events/batch`, { events });
    } catch (err) {
      if (stopOnError) return accepted;
      throw err;
    }
    if (refused === 'fail') assert.equal(r.status, 202, JSON.stringify(r.body));
    if (r.status === 202) accepted.push(...r.body.data.map((e) => e.id));
  }
  return accepted;
}
