import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestHookline } from './helpers/hookline.js';
import type { ApiAccepted, ApiBatchAccepted, ApiDelivery, ApiPage, ApiProblem, ApiWebhook } from './helpers/apiShapes.js';
import { newBusiness } from './helpers/businesses.js';
import { startReceiver } from './helpers/receiver.js';
import { until } from './helpers/wait.js';
import { svixClient } from './helpers/svixSdk.js';
import { channelsMatch, channelsProblem } from '../src/catalog/channels.js';
import { storeFactories, freshStore } from './helpers/stores.js';
import { T0, webhookOf } from './helpers/storeRows.js';
import { serverWithReceiver } from './helpers/journey.js';

/** Channels (docs/api.md#channels): a second routing dimension beside event types, as Svix has it. */

test('channelsMatch: a webhook without channels takes everything; one with channels only events sharing one', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 4 }), fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 4 }), (wanted, given) => {
      const expected = wanted.length === 0 || given.some((g) => wanted.includes(g));
      assert.equal(channelsMatch(wanted, given), expected);
      assert.equal(channelsMatch(null, given), true);
    }),
  );
  for (const bad of ['loc', [1], ['a b'], [''], ['x'.repeat(129)], Array(11).fill('a'), [['a']], [{}], [null]]) {
    assert.ok(channelsProblem(bad), `refused: ${JSON.stringify(bad)}`);
  }
  assert.equal(channelsProblem(['location-12', 'a_b.c:d']), null);
});

test('journey: a studio routes events by location; webhooks without channels still get every one', async (t) => {
  const { hl, rx, b, hooks } = await serverWithReceiver(t);
  const make = async (path: string, channels?: unknown) => {
    const r = await hl.api<ApiWebhook>('POST', hooks, { url: `${rx.url}/${path}`, events: ['client/created'], ...(channels === undefined ? {} : { channels }) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  const downtown = await make('downtown', ['loc-1']);
  const uptown = await make('uptown', ['loc-2', 'loc-3']);
  const head = await make('head-office');
  const emptyList = await make('empty', []);
  assert.deepEqual(downtown.channels, ['loc-1']);
  assert.equal(head.channels, null);
  assert.equal(emptyList.channels, null, '[] is stored as no channels');

  const publish = async (id: string, channels?: string[]) => {
    const r = await hl.api<ApiAccepted>('POST', `/v1/businesses/${b}/events`, { id, type: 'client/created', data: { id }, ...(channels ? { channels } : {}) });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    return r.body.deliveries;
  };
  assert.equal(await publish('c-loc1', ['loc-1']), 3, 'downtown and both without channels');
  assert.equal(await publish('c-loc3', ['loc-3', 'elsewhere']), 3, 'uptown by one of its channels, and both without channels');
  assert.equal(await publish('c-none'), 2, 'an event without channels reaches only webhooks without channels');
  const batch = await hl.api<ApiBatchAccepted>('POST', `/v1/businesses/${b}/events/batch`, {
    events: [{ id: 'c-b1', type: 'client/created', data: {}, channels: ['loc-2'] }, { id: 'c-b2', type: 'client/created', data: {}, channels: ['loc-9'] }],
  });
  assert.deepEqual(batch.body.data.map((e) => e.deliveries), [3, 2]);

  await rx.waitFor(3 + 3 + 2 + 3 + 2);
  const got = (path: string) => rx.received.filter((r) => r.url === `/${path}`).map((r) => (JSON.parse(r.body) as { id?: string; data: { id?: string } })).length;
  assert.deepEqual([got('downtown'), got('uptown'), got('head-office'), got('empty')], [1, 2, 5, 5]);
  const log = await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${b}/deliveries?webhook_id=${uptown.id}`);
  assert.deepEqual(log.body.data.map((d) => d.event_id).sort(), ['c-b1', 'c-loc3']);

  // Channels change like any setting; the next publish routes by the new list.
  const moved = await hl.api<ApiWebhook>('PATCH', `${hooks}/${downtown.id}`, { channels: ['loc-9'] });
  assert.deepEqual(moved.body.channels, ['loc-9']);
  assert.equal(await publish('c-loc9', ['loc-9']), 3);
  const cleared = await hl.api<ApiWebhook>('PATCH', `${hooks}/${downtown.id}`, { channels: null });
  assert.equal(cleared.body.channels, null);
  assert.equal(await publish('c-none-2'), 3, 'without channels again, it takes events without channels');
});

test('bad channels are refused with the field named, on webhooks and on events; nothing is stored', async (t) => {
  const hl = await startTestHookline();
  t.after(() => hl.stop());
  const b = await newBusiness(hl.api);
  const shapes: unknown[] = ['loc-1', 12, { a: 1 }, [1], ['a b'], [''], ['x'.repeat(129)], Array(11).fill('a'), [['a']], [null], ['ok', '\u0000']];
  for (const channels of shapes) {
    const w = await hl.api<ApiProblem>('POST', `/v1/businesses/${b}/webhooks`, { url: 'https://example.com/h', events: ['client/created'], channels });
    assert.equal(w.status, 400, `webhook ${JSON.stringify(channels)}: ${JSON.stringify(w.body)}`);
    assert.match(JSON.stringify(w.body), /channels/);
    const e = await hl.api<ApiProblem>('POST', `/v1/businesses/${b}/events`, { id: 'c-refused', type: 'client/created', data: {}, channels });
    assert.equal(e.status, 400, `event ${JSON.stringify(channels)}: ${JSON.stringify(e.body)}`);
    assert.match(JSON.stringify(e.body), /channels/);
  }
  assert.equal((await hl.api<ApiPage<ApiWebhook>>('GET', `/v1/businesses/${b}/webhooks`)).body.data.length, 0);
  assert.equal((await hl.api<ApiProblem>('GET', `/v1/businesses/${b}/events/c-refused`)).status, 404);
});

test('the svix SDK: an endpoint with channels gets only messages sent to them', async (t) => {
  const hl = await startTestHookline();
  t.after(() => hl.stop());
  const rx = await startReceiver();
  t.after(() => rx.close());
  const svix = svixClient(hl);
  const app = await svix.application.create({ name: 'Channels' });
  const scoped = await svix.endpoint.create(app.id, { url: `${rx.url}/scoped`, channels: ['project_1'] });
  await svix.endpoint.create(app.id, { url: `${rx.url}/all` });
  assert.deepEqual(scoped.channels, ['project_1']);
  await svix.message.create(app.id, { eventType: 'client.created', payload: { id: 'm1' }, channels: ['project_1'] });
  await svix.message.create(app.id, { eventType: 'client.created', payload: { id: 'm2' }, channels: ['project_2'] });
  await svix.message.create(app.id, { eventType: 'client.created', payload: { id: 'm3' } });
  await rx.waitFor(4);
  await until('the third message reached the endpoint without channels', async () => rx.received.filter((r) => r.url === '/all').length === 3);
  const scopedGot = rx.received.filter((r) => r.url === '/scoped').map((r) => (JSON.parse(r.body) as { id: string }).id);
  assert.deepEqual(scopedGot, ['m1']);
  const patched = await svix.endpoint.patch(app.id, scoped.id, { channels: ['project_2'] });
  assert.deepEqual(patched.channels, ['project_2']);
  assert.deepEqual((await hl.api<ApiWebhook>('GET', `/v1/businesses/${app.id}/webhooks/${scoped.id}`)).body.channels, ['project_2'], 'one list, seen by both APIs');
});

describe('Store contract: channels', { concurrency: true }, () => {
  for (const factory of storeFactories) {
    describe(factory.name, { skip: factory.skip }, () => {
      const fresh = freshStore(factory);
      test('a webhook keeps its channels; a patch replaces or removes them', async (t) => {
        const { store } = await fresh(t);
        await store.createBusiness({ id: 'b1', name: 'B', created_at: T0 });
        const w = await store.createWebhook(webhookOf('b1', { channels: ['loc-1', 'loc-2'] }));
        assert.deepEqual((await store.getWebhook('b1', w.id))?.channels, ['loc-1', 'loc-2']);
        assert.deepEqual((await store.webhooksOfBusiness('b1'))[0]!.channels, ['loc-1', 'loc-2']);
        assert.deepEqual((await store.updateWebhook('b1', w.id, { channels: ['loc-3'] }, T0 + 1))?.channels, ['loc-3']);
        assert.equal((await store.updateWebhook('b1', w.id, { channels: null }, T0 + 2))?.channels ?? null, null);
        const plain = await store.createWebhook(webhookOf('b1'));
        assert.deepEqual(await store.getWebhook('b1', plain.id), plain, 'a webhook written without channels reads back equal');
      });
    });
  }
});
