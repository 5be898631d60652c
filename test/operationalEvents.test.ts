import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { newBusiness } from './helpers/businesses.js';
import { startReceiver } from './helpers/receiver.js';
import { until, sleep } from './helpers/wait.js';
import type { ApiAccepted, ApiDelivery, ApiPage, ApiProblem, ApiWebhook } from './helpers/apiShapes.js';

let hl: TestInstance;
before(async () => {
  hl = await startTestHookline({ probeMs: 150 });
});
after(() => hl.stop());

const bodies = (rx: { received: { body: string }[] }) => rx.received.map((r) => JSON.parse(r.body) as { type: string; business: string; data: Record<string, unknown> });

test('a business hears that its webhook is failing, then recovered; the webhook itself and `*` subscribers hear nothing of it', async (t) => {
  let up = false;
  const broken = await startReceiver((_r, res) => {
    res.statusCode = up ? 200 : 500;
    res.end();
  });
  const ops = await startReceiver();
  const everything = await startReceiver();
  for (const rx of [broken, ops, everything]) t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  const wh = (await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, { name: 'CRM', url: broken.url, events: ['*'], max_in_flight: 1, retry_schedule: Array(20).fill(0) })).body;
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: ops.url, events: ['hookline/*'] });
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: everything.url, events: ['*'] });
  await hl.api('POST', `/v1/businesses/${b}/events/batch`, { events: Array.from({ length: 6 }, (_, i) => ({ type: 'invoice/paid', data: { n: i } })) });

  await until('failing reported', async () => bodies(ops).some((e) => e.type === 'hookline/webhook.failing'));
  up = true;
  await until('recovered reported', async () => bodies(ops).some((e) => e.type === 'hookline/webhook.recovered'), 10_000);
  const [failing, recovered] = bodies(ops);
  assert.equal(failing!.type, 'hookline/webhook.failing');
  assert.equal(failing!.business, b);
  assert.deepEqual(
    { ...failing!.data, since: undefined, reason: undefined },
    { business_id: b, webhook_id: wh.id, webhook_name: 'CRM', url: wh.url, consecutive_failures: 5, since: undefined, reason: undefined },
  );
  assert.match(String(failing!.data.reason), /HTTP 500/);
  assert.equal(recovered!.type, 'hookline/webhook.recovered');
  assert.equal(recovered!.data.failing_since, failing!.data.since);
  await sleep(200);
  assert.ok(bodies(broken).every((e) => !e.type.startsWith('hookline/')), 'never about itself, to itself');
  assert.ok(bodies(everything).every((e) => !e.type.startsWith('hookline/')), 'a `*` filter does not opt in to operational events');
});

test('a delivery that runs out of attempts is reported once; failures delivering that report are not reported again', async (t) => {
  const broken = await startReceiver((_r, res) => {
    res.statusCode = 500;
    res.end();
  });
  const opsBroken = await startReceiver((_r, res) => {
    res.statusCode = 500;
    res.end();
  });
  const ops = await startReceiver();
  for (const rx of [broken, opsBroken, ops]) t.after(() => rx.close());
  const b = await newBusiness(hl.api);
  const wh = (await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, { url: broken.url, events: ['invoice/paid'], retry_schedule: [] })).body;
  const brokenOps = (await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, { url: opsBroken.url, events: ['hookline/delivery.exhausted'], retry_schedule: [] })).body;
  await hl.api('POST', `/v1/businesses/${b}/webhooks`, { url: ops.url, events: ['hookline/*'] });
  const ev = (await hl.api<ApiAccepted>('POST', `/v1/businesses/${b}/events`, { type: 'invoice/paid', data: { id: 'x' } })).body;

  await until('exhausted reported', async () => ops.received.length >= 1 && opsBroken.received.length >= 1);
  await sleep(500);
  const reports = bodies(ops);
  assert.equal(reports.length, 1, JSON.stringify(reports.map((r) => r.type)));
  assert.equal(reports[0]!.type, 'hookline/delivery.exhausted');
  assert.equal(reports[0]!.data.webhook_id, wh.id);
  assert.equal(reports[0]!.data.event_id, ev.id);
  assert.equal(reports[0]!.data.attempts, 1);
  assert.equal(reports[0]!.data.last_status_code, 500);
  const failedReport = (await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${b}/deliveries?webhook_id=${brokenOps.id}&status=failed`)).body.data;
  assert.equal(failedReport.length, 1, 'the report to the broken ops endpoint failed, and nothing was said about that');
});

test('the _platform business hears every business\u2019s operational events', async (t) => {
  const platform = await startReceiver();
  const broken = await startReceiver((_r, res) => {
    res.statusCode = 500;
    res.end();
  });
  t.after(() => platform.close());
  t.after(() => broken.close());
  assert.equal((await hl.api('POST', '/v1/businesses', { id: '_platform', name: 'Platform operations' })).status, 201);
  await hl.api('POST', '/v1/businesses/_platform/webhooks', { url: platform.url, events: ['hookline/*'] });
  const b = await newBusiness(hl.api);
  const wh = (await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, { url: broken.url, events: ['*'], retry_schedule: [] })).body;
  await hl.api('POST', `/v1/businesses/${b}/events`, { type: 'invoice/paid', data: {} });
  await until('platform told', async () => platform.received.length >= 1);
  const [report] = bodies(platform);
  assert.equal(report!.type, 'hookline/delivery.exhausted');
  assert.equal(report!.business, '_platform');
  assert.equal(report!.data.business_id, b);
  assert.equal(report!.data.webhook_id, wh.id);
});

test('only Hookline publishes hookline/ events: the API refuses them with 422 RESERVED_EVENT_TYPE', async () => {
  const b = await newBusiness(hl.api);
  const one = await hl.api<ApiProblem>('POST', `/v1/businesses/${b}/events`, { type: 'hookline/webhook.disabled', data: {} });
  assert.equal(one.status, 422);
  assert.equal(one.body.code, 'RESERVED_EVENT_TYPE');
  const batch = await hl.api<ApiProblem>('POST', `/v1/businesses/${b}/events/batch`, { events: [{ type: 'invoice/paid', data: {} }, { type: 'hookline/delivery.exhausted', data: {} }] });
  assert.equal(batch.status, 422);
  assert.match(batch.body.detail, /^\/events\/1\/type/);
  const sub = await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, { url: 'https://example.com/ops', events: ['hookline/webhook.failing'] });
  assert.equal(sub.status, 201, 'but a webhook may subscribe to them');
});
