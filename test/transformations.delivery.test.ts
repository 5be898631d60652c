import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyWebhook } from '../src/verify/index.js';
import type { ApiAccepted, ApiDeliveryDetail, ApiPage, ApiDelivery, ApiWebhook } from './helpers/apiShapes.js';
import { until } from './helpers/wait.js';
import { serverWithReceiver } from './helpers/journey.js';

/** Transformations on the send path (issue 16): what they change reaches the receiver, signed as sent; what they break stays theirs. */

const SLACK = `function handler(request) {
  const d = request.event.data;
  request.method = 'PUT';
  request.url = request.url.replace(/\\/$/, "") + '/slack?client=' + encodeURIComponent(d.id);
  request.headers['x-studio'] = request.event.business;
  request.body = { text: d.first_name + ' checked in', event: request.event.type };
  return request;
}`;

test('a transformation changes method, url, headers and body; the receiver verifies the signature over the body it got', async (t) => {
  const { hl, rx, b } = await serverWithReceiver(t);
  const created = await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, {
    url: rx.url,
    events: ['client/*'],
    headers: { 'x-kept': 'yes' },
    transformation: { code: SLACK },
    retry_schedule: [],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.deepEqual(created.body.transformation, { code: SLACK, enabled: true, version: 1 });

  const published = await hl.api<ApiAccepted>('POST', `/v1/businesses/${b}/events`, { type: 'client/created', data: { id: 'c 7', first_name: 'Maya' } });
  assert.equal(published.status, 202);
  await rx.waitFor(1);
  const got = rx.received[0]!;
  assert.equal(got.method, 'PUT');
  assert.equal(got.url, '/slack?client=c%207');
  assert.equal(got.headers['x-studio'], b);
  assert.equal(got.headers['x-kept'], 'yes', "the webhook's own headers reach the handler and stay unless it drops them");
  assert.deepEqual(JSON.parse(got.body), { text: 'Maya checked in', event: 'client/created' });
  const verified = verifyWebhook('standard', got.body, got.headers as Record<string, string>, created.body.secret);
  assert.equal(verified.id, published.body.id);
  assert.deepEqual(verified.payload, { text: 'Maya checked in', event: 'client/created' });

  const delivery = await until('the attempt is recorded', async () => {
    const page = await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${b}/deliveries?webhook_id=${created.body.id}`);
    const d = page.body.data[0];
    return d?.status === 'succeeded' ? d : null;
  });
  const detail = await hl.api<ApiDeliveryDetail>('GET', `/v1/businesses/${b}/deliveries/${delivery.id}`);
  assert.equal(detail.body.attempts[0]!.transformation_version, 1, 'the attempt names the version that shaped it');
});

test('cancel: true records the delivery as cancelled and sends nothing', async (t) => {
  const { hl, rx, b } = await serverWithReceiver(t);
  const code = 'function handler(request) { if (request.event.data.amount < 1000) return { cancel: true }; return request; }';
  const wh = await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, { url: rx.url, events: ['invoice/paid'], transformation: { code } });
  assert.equal(wh.status, 201, JSON.stringify(wh.body));
  const small = await hl.api<ApiAccepted>('POST', `/v1/businesses/${b}/events`, { type: 'invoice/paid', data: { id: 'inv_1', amount: 20 } });
  const big = await hl.api<ApiAccepted>('POST', `/v1/businesses/${b}/events`, { type: 'invoice/paid', data: { id: 'inv_2', amount: 2000 } });
  await rx.waitFor(1);
  assert.equal(JSON.parse(rx.received[0]!.body).id, big.body.id);
  const cancelled = await until('the small invoice is cancelled', async () => {
    const page = await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${b}/deliveries?event_id=${small.body.id}`);
    return page.body.data[0]?.status === 'cancelled' ? page.body.data[0] : null;
  });
  assert.equal(cancelled.next_attempt_at, null);
  const detail = await hl.api<ApiDeliveryDetail>('GET', `/v1/businesses/${b}/deliveries/${cancelled.id}`);
  assert.deepEqual([detail.body.attempts.length, detail.body.attempts[0]!.error, detail.body.attempts[0]!.status_code], [1, null, null]);
  const health = await hl.api<ApiWebhook>('GET', `/v1/businesses/${b}/webhooks/${wh.body.id}`);
  assert.equal(health.body.health.consecutive_failures, 0, 'a cancellation says nothing about the endpoint');
  assert.equal(rx.received.length, 1);
});

const HOSTILE: Record<string, string> = {
  loop: 'function handler(r) { while (true) {} }',
  allocation: 'function handler(r) { const a = []; while (true) a.push(new ArrayBuffer(1024 * 1024 * 1024)); }',
  require: "function handler(r) { require('fs').writeFileSync('/tmp/owned', 'x'); return r; }",
  exit: 'function handler(r) { process.exit(1); return r; }',
  fetch: "function handler(r) { fetch('http://169.254.169.254/latest/meta-data/'); return r; }",
  prototype: "function handler(r) { Object.prototype.toJSON = function () { throw new Error('tampered'); }; return r; }",
  escape: "function handler(r) { const p = (function () {}).constructor('return this')(); p.process.exit(1); return r; }",
  // A built-in looping in C, where QuickJS's interrupt handler is not asked: the thread's watchdog ends it.
  builtin: "function handler(r) { new Array(2 ** 31).join('x'); return r; }",
};

test('hostile transformations end as transform_error, retried like any failure, while other webhooks keep their pace', async (t) => {
  const { hl, rx, b, hooks } = await serverWithReceiver(t);
  const hostile: Record<string, string> = {};
  for (const [name, code] of Object.entries(HOSTILE)) {
    const r = await hl.api<ApiWebhook>('POST', hooks, { url: `${rx.url}/${name}`, events: ['client/created'], transformation: { code }, retry_schedule: [0] });
    assert.equal(r.status, 201, `${name}: ${JSON.stringify(r.body)}`);
    hostile[r.body.id] = name;
  }
  const plain = await hl.api<ApiWebhook>('POST', hooks, { url: `${rx.url}/plain`, events: ['client/*'] });
  const friendly = await hl.api<ApiWebhook>('POST', hooks, {
    url: `${rx.url}/friendly`,
    events: ['client/*'],
    transformation: { code: 'function handler(r) { r.body = { ok: typeof Object.prototype.toJSON }; return r; }' },
  });

  const first = await hl.api<ApiAccepted>('POST', `/v1/businesses/${b}/events`, { type: 'client/created', data: { id: 1 } });
  assert.equal(first.body.deliveries, Object.keys(HOSTILE).length + 2);
  for (let i = 2; i <= 6; i++) await hl.api('POST', `/v1/businesses/${b}/events`, { type: 'client/updated', data: { id: i } });
  // The plain webhook does not wait for the sandboxes: its six events arrive while the hostile
  // attempts (8 webhooks × 2 tries, most spending their whole budget) are still under way.
  await until('the plain webhook got all six events', async () => rx.received.filter((r) => r.url === '/plain').length === 6);
  const meanwhile = await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${b}/deliveries?status=failed&limit=100`);
  const hostileFinished = meanwhile.body.data.filter((d) => d.webhook_id in hostile).length;
  assert.ok(hostileFinished < Object.keys(HOSTILE).length, `plain deliveries finished before the hostile ones (${hostileFinished} of 8 were done)`);

  const failed = await until('every hostile delivery of the first event has failed twice', async () => {
    const page = await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${b}/deliveries?event_id=${first.body.id}&limit=100`);
    const mine = page.body.data.filter((d) => d.webhook_id in hostile);
    return mine.length === Object.keys(HOSTILE).length && mine.every((d) => d.status === 'failed') ? mine : null;
  }, 60_000);
  for (const d of failed) {
    const detail = await hl.api<ApiDeliveryDetail>('GET', `/v1/businesses/${b}/deliveries/${d.id}`);
    const name = hostile[d.webhook_id]!;
    assert.equal(detail.body.attempts.length, 2, `${name}: retried per its schedule`);
    for (const a of detail.body.attempts) {
      assert.equal(a.error, 'transform_error', name);
      assert.equal(a.transformation_version, 1, name);
      assert.match(a.response_body ?? '', /^The transformation failed: /, name);
    }
  }
  const reason = async (name: string) => {
    const id = Object.keys(hostile).find((k) => hostile[k] === name)!;
    const d = failed.find((x) => x.webhook_id === id)!;
    return (await hl.api<ApiDeliveryDetail>('GET', `/v1/businesses/${b}/deliveries/${d.id}`)).body.attempts[0]!.response_body!;
  };
  // On a machine busy enough that 50 ms of wall time pass unseen, the watchdog may be what stops a loop.
  assert.match(await reason('loop'), /CPU budget|ran past 1000 ms/);
  assert.match(await reason('allocation'), /memory cap|ran past 1000 ms/);
  assert.match(await reason('require'), /require/);
  assert.match(await reason('exit'), /process/);
  assert.match(await reason('fetch'), /'fetch' is not defined/);
  assert.match(await reason('escape'), /cannot read property 'exit' of undefined/);
  assert.match(await reason('prototype'), /tampered/);
  assert.match(await reason('builtin'), /CPU budget|ran past 1000 ms/);
  assert.equal(rx.received.filter((r) => r.url !== '/plain' && r.url !== '/friendly').length, 0, 'no hostile webhook sent anything');

  // The friendly transformation ran in its own sandbox: the tampering of another never reached it.
  await until('the friendly webhook got all six', async () => rx.received.filter((r) => r.url === '/friendly').length === 6);
  for (const r of rx.received.filter((x) => x.url === '/friendly')) assert.deepEqual(JSON.parse(r.body), { ok: 'undefined' });
  assert.equal(({} as { toJSON?: unknown }).toJSON, undefined, "the host's prototypes are untouched");
  const health = await hl.api<ApiWebhook>('GET', `${hooks}/${plain.body.id}`);
  assert.equal(health.body.health.state, 'healthy');
  assert.equal(friendly.status, 201);
});
