import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { HooklineEvents } from '../src/events.js';
import { RetentionSweeper } from '../src/retention/RetentionSweeper.js';
import { openStore } from '../src/store/openStore.js';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import type { ApiAccepted, ApiDelivery, ApiDeliveryDetail, ApiPage, ApiVcitaSubscribed, ApiWebhook } from './helpers/apiShapes.js';
import { startReceiver } from './helpers/receiver.js';
import { until } from './helpers/wait.js';

const B = 'studio-1';
const DAY = 86_400_000;

/**
 * A vcita subscription whose receiver answered 410 Gone: the webhook is disabled and its one
 * delivery is parked (retrying, no next attempt), waiting for someone to enable it again.
 */
async function parkedBehindDisabledWebhook(t: TestContext) {
  const hl = await startTestHookline();
  t.after(() => hl.stop());
  const rx = await startReceiver((_r, res) => {
    res.statusCode = 410;
    res.end();
  });
  t.after(() => rx.close());
  assert.equal((await hl.api('POST', '/v1/businesses', { id: B, name: B })).status, 201);
  const sub = await hl.api<ApiVcitaSubscribed>('POST', '/platform/v1/webhook/subscribe', { event: 'client/created', target_url: rx.url, business: B });
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  const webhookId = sub.body.data.subscription_id as string;
  // Retry at once, so the delivery is claimed and parked without waiting for the default schedule.
  assert.equal((await hl.api('PATCH', `/v1/businesses/${B}/webhooks/${webhookId}`, { retry_schedule: [0, 0] })).status, 200);
  const event = await hl.api<ApiAccepted>('POST', `/v1/businesses/${B}/events`, { type: 'client/created', data: { id: 'cl_1' } });
  assert.equal(event.status, 202, JSON.stringify(event.body));
  const eventId = event.body.id as string;

  const parked = await until('the webhook is disabled and its delivery parked', async () => {
    const w = (await hl.api<ApiWebhook>('GET', `/v1/businesses/${B}/webhooks/${webhookId}`)).body;
    const d = (await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${B}/deliveries?event_id=${eventId}`)).body.data[0];
    return w.enabled === false && d?.status === 'retrying' && d.next_attempt_at === null && d;
  });
  assert.equal(rx.received.length, 1);
  return { hl, rx, webhookId, eventId, deliveryId: parked.id as string };
}

/** The delivery once it has failed, read from the API. */
async function failedDelivery(hl: TestInstance, id: string) {
  return until('the parked delivery failed', async () => {
    const d = (await hl.api<ApiDeliveryDetail>('GET', `/v1/businesses/${B}/deliveries/${id}`)).body;
    return d.status === 'failed' && d;
  });
}

/** Stops the server and runs a retention pass over its database as if 31 days had passed. */
async function purgedEventAfterRetention(hl: TestInstance, eventId: string): Promise<boolean> {
  await hl.handle.stop();
  const store = await openStore(hl.dbUrl);
  try {
    const sweeper = new RetentionSweeper({ store, events: new HooklineEvents(), retentionDays: 30, now: () => Date.now() + 31 * DAY });
    assert.ok(await sweeper.sweep());
    await sweeper.stop();
    return (await store.getEvent(B, eventId)) === null;
  } finally {
    await store.close();
  }
}

const removals: [string, (hl: TestInstance, webhookId: string, url: string) => Promise<void>][] = [
  [
    'POST /platform/v1/webhook/unsubscribe',
    async (hl, _id, url) => {
      const res = await hl.api('POST', '/platform/v1/webhook/unsubscribe', { target_url: url, event: 'client/created', business: B });
      assert.deepEqual([res.status, res.body], [200, { status: 'OK', data: { unsubscribed: true } }]);
    },
  ],
  [
    'DELETE /v1/businesses/{b}/webhooks/{id}',
    async (hl, id) => {
      assert.equal((await hl.api('DELETE', `/v1/businesses/${B}/webhooks/${id}`)).status, 204);
    },
  ],
];

for (const [how, remove] of removals) {
  test(`issue 13: a disabled webhook removed through ${how} fails its parked delivery, and retention then purges its event`, async (t) => {
    const { hl, rx, webhookId, eventId, deliveryId } = await parkedBehindDisabledWebhook(t);
    await remove(hl, webhookId, rx.url);
    assert.equal((await hl.api('GET', `/v1/businesses/${B}/webhooks/${webhookId}`)).status, 404);
    const failed = await failedDelivery(hl, deliveryId);
    assert.equal(failed.next_attempt_at, null);
    assert.equal(failed.attempt_count, 1, 'failed without another attempt');
    assert.equal(rx.received.length, 1);
    assert.ok(await purgedEventAfterRetention(hl, eventId), 'retention purged the event of the failed delivery');
  });
}

test('a vcita unsubscribe of one event keeps the webhook for its other events', async (t) => {
  const hl = await startTestHookline();
  t.after(() => hl.stop());
  const rx = await startReceiver();
  t.after(() => rx.close());
  assert.equal((await hl.api('POST', '/v1/businesses', { id: B, name: B })).status, 201);
  const wh = await hl.api<ApiWebhook>('POST', `/v1/businesses/${B}/webhooks`, { url: rx.url, dialect: 'vcita', events: ['client/created', 'payment/paid'] });
  assert.equal(wh.status, 201, JSON.stringify(wh.body));
  const res = await hl.api('POST', '/platform/v1/webhook/unsubscribe', { target_url: rx.url, event: 'client/created', business: B });
  assert.deepEqual(res.body, { status: 'OK', data: { unsubscribed: true } });
  const kept = (await hl.api<ApiWebhook>('GET', `/v1/businesses/${B}/webhooks/${wh.body.id}`)).body;
  assert.deepEqual(kept.events, ['payment/paid']);
  const dropped = await hl.api<ApiAccepted>('POST', `/v1/businesses/${B}/events`, { type: 'client/created', data: { id: 'cl_1' } });
  assert.equal(dropped.body.deliveries, 0, 'the unsubscribed event no longer matches the webhook');
  const paid = await hl.api<ApiAccepted>('POST', `/v1/businesses/${B}/events`, { type: 'payment/paid', data: { id: 'pay_1' } });
  assert.equal(paid.body.deliveries, 1);
  await rx.waitFor(1);
  assert.equal(JSON.parse(rx.received[0]!.body).event_type, 'paid');
});
