import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../src/config.js';
import { HooklineError } from '../src/errors.js';
import { startTestHookline } from './helpers/hookline.js';
import type { ApiAccepted, ApiWebhook } from './helpers/apiShapes.js';
import { newBusiness } from './helpers/businesses.js';
import { startReceiver } from './helpers/receiver.js';

/**
 * Issue 19: the matcher's cache is bounded and a webhook change drops only its own business.
 * The journey of an operator with more businesses than the cache holds, through the API.
 */

test('more businesses than the matcher keeps: every publish matches its own webhooks, and changes anywhere are seen where they belong', async (t) => {
  const hl = await startTestHookline({ matcherCacheBusinesses: 100 });
  t.after(() => hl.stop());
  const rx = await startReceiver();
  t.after(() => rx.close());
  const businesses: string[] = [];
  const hooks = new Map<string, string>();
  for (let i = 0; i < 120; i++) {
    const b = await newBusiness(hl.api);
    const w = await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, { url: `${rx.url}/${b}`, events: ['invoice/paid'], retry_schedule: [] });
    assert.equal(w.status, 201, JSON.stringify(w.body));
    businesses.push(b);
    hooks.set(b, w.body.id);
  }
  const publish = async (b: string, id: string): Promise<number> => {
    const r = await hl.api<ApiAccepted>('POST', `/v1/businesses/${b}/events`, { id, type: 'invoice/paid', data: { id, amount_paid: 1, currency: 'USD' } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    return r.body.deliveries;
  };
  // Twice round all 120: the first 20 have left the cache of 100 by the second round.
  for (const round of [1, 2]) for (const b of businesses) assert.equal(await publish(b, `r${round}`), 1, `${b}, round ${round}`);

  const [first, second] = businesses as [string, string];
  await hl.api('PATCH', `/v1/businesses/${second}/webhooks/${hooks.get(second)}`, { name: 'renamed elsewhere' });
  assert.equal(await publish(first, 'after-rename-elsewhere'), 1, "a change to another business's webhook changes nothing here");
  const added = await hl.api<ApiWebhook>('POST', `/v1/businesses/${first}/webhooks`, { url: `${rx.url}/${first}/2`, events: ['invoice/*'], retry_schedule: [] });
  assert.equal(await publish(first, 'after-add'), 2, 'a new webhook matches at the next publish');
  await hl.api('PATCH', `/v1/businesses/${first}/webhooks/${hooks.get(first)}`, { enabled: false });
  assert.equal(await publish(first, 'after-disable'), 1, 'a disabled webhook no longer matches');
  await hl.api('DELETE', `/v1/businesses/${first}/webhooks/${added.body.id}`);
  assert.equal(await publish(first, 'after-delete'), 0, 'a removed webhook no longer matches');
  assert.equal(await publish(second, 'still'), 1);
});

test('HOOKLINE_MATCHER_CACHE_BUSINESSES: a whole number from 100 to 10,000,000, anything else refused with a sentence that says so', () => {
  const read = (v: string) => loadConfig({ HOOKLINE_MATCHER_CACHE_BUSINESSES: v }).matcherCacheBusinesses;
  assert.equal(loadConfig({}).matcherCacheBusinesses, 10_000, 'the default');
  assert.equal(read(''), 10_000, 'empty is unset');
  assert.equal(read('100'), 100);
  assert.equal(read(' 250000 '), 250_000);
  for (const bad of ['99', '0', '-1', '1.5', 'abc', '[1]', '{}', '1e3x', '10000001', '\u0000', '100 200']) {
    assert.throws(
      () => read(bad),
      (e: unknown) => e instanceof HooklineError && e.code === 'CONFIG_INVALID' && /HOOKLINE_MATCHER_CACHE_BUSINESSES=.*an integer from 100 to 10000000/.test(e.message),
      JSON.stringify(bad),
    );
  }
});
