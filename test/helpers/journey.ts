import type { TestContext } from 'node:test';
import { startTestHookline, type TestInstance } from './hookline.js';
import { startReceiver } from './receiver.js';
import { newBusiness } from './businesses.js';

/**
 * What most journeys start from: a server, a receiver, and a business of their own, all
 * stopped after the test; `hooks` is the business's webhooks path.
 */
export async function serverWithReceiver(t: TestContext): Promise<{ hl: TestInstance; rx: Awaited<ReturnType<typeof startReceiver>>; b: string; hooks: string }> {
  const hl = await startTestHookline();
  t.after(() => hl.stop());
  const rx = await startReceiver();
  t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  return { hl, rx, b, hooks: `/v1/businesses/${b}/webhooks` };
}
