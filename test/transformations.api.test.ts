import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { verifyWebhook } from '../src/verify/index.js';
import { startTestHookline } from './helpers/hookline.js';
import type { ApiAccepted, ApiDelivery, ApiDeliveryDetail, ApiPage, ApiProblem, ApiWebhook } from './helpers/apiShapes.js';
import { newBusiness } from './helpers/businesses.js';
import { until } from './helpers/wait.js';
import { serverWithReceiver } from './helpers/journey.js';

/** Transformations through the API (issue 16): saved and checked, simulated, versioned, and a studio's whole path with one. */

interface Simulation {
  outcome: 'send' | 'cancel' | 'error';
  version: number | null;
  event_id: string;
  request?: { method: string; url: string; headers: Record<string, string>; body: string };
  error?: string;
}
interface Versions {
  data: { version: number; code: string; created_at: string }[];
}

const SLACK_V1 = `function handler(request) {
  const c = request.event.data;
  request.body = { text: c.first_name + ' checked in' };
  return request;
}`;
const SLACK_V2 = `function handler(request) {
  const c = request.event.data;
  request.body = { text: ':wave: ' + c.first_name + ' ' + c.last_name + ' checked in at ' + c.location };
  return request;
}`;

test('journey: a studio shapes check-ins into Slack messages, tries a draft, saves it, and reads which version sent what', async (t) => {
  const { hl, rx, b, hooks } = await serverWithReceiver(t);
  const publish = (data: Record<string, unknown>) => hl.api<ApiAccepted>('POST', `/v1/businesses/${b}/events`, { type: 'client/created', data });

  // 1. The webhook with its first transformation.
  const wh = await hl.api<ApiWebhook>('POST', hooks, { url: rx.url, events: ['client/created'], transformation: { code: SLACK_V1 } });
  assert.equal(wh.status, 201, JSON.stringify(wh.body));
  const simulate = (body: unknown) => hl.api<Simulation>('POST', `${hooks}/${wh.body.id}/transformation/simulate`, body);

  // 2. A simulation on an inline event: the request as it would be sent, signed over that body.
  const inline = await simulate({ event: { type: 'client/created', data: { first_name: 'Maya' }, id: 'evt_try' } });
  assert.equal(inline.status, 200, JSON.stringify(inline.body));
  assert.equal(inline.body.outcome, 'send');
  assert.equal(inline.body.version, 1);
  assert.deepEqual(JSON.parse(inline.body.request!.body), { text: 'Maya checked in' });
  assert.equal(verifyWebhook('standard', inline.body.request!.body, inline.body.request!.headers, wh.body.secret).id, 'evt_try');
  assert.equal(rx.received.length, 0, 'a simulation sends nothing');

  // 3. A real check-in goes out through version 1.
  const first = await publish({ first_name: 'Maya', last_name: 'Ito', location: 'Downtown' });
  await rx.waitFor(1);
  assert.deepEqual(JSON.parse(rx.received[0]!.body), { text: 'Maya checked in' });

  // 4. A draft tried on that stored event, before saving it; the saved version is untouched.
  const draft = await simulate({ code: SLACK_V2, event_id: first.body.id });
  assert.equal(draft.body.outcome, 'send', JSON.stringify(draft.body));
  assert.equal(draft.body.version, null, 'a draft is no saved version');
  assert.deepEqual(JSON.parse(draft.body.request!.body), { text: ':wave: Maya Ito checked in at Downtown' });
  const broken = await simulate({ code: 'function handler(r) { return r.event.data.nothing.here; }', event_id: first.body.id });
  assert.equal(broken.body.outcome, 'error');
  assert.match(broken.body.error!, /TypeError/);
  const unparsable = await hl.api<ApiProblem>('POST', `${hooks}/${wh.body.id}/transformation/simulate`, { code: 'function handler(r) {', event_id: first.body.id });
  assert.equal(unparsable.status, 422);
  assert.equal(unparsable.body.code, 'INVALID_TRANSFORMATION');

  // 5. Saving the draft makes version 2; the first code is kept.
  const saved = await hl.api<ApiWebhook>('PATCH', `${hooks}/${wh.body.id}`, { transformation: { code: SLACK_V2 } });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  assert.deepEqual(saved.body.transformation, { code: SLACK_V2, enabled: true, version: 2 });
  const second = await publish({ first_name: 'Ana', last_name: 'Lima', location: 'Uptown' });
  await rx.waitFor(2);
  assert.deepEqual(JSON.parse(rx.received[1]!.body), { text: ':wave: Ana Lima checked in at Uptown' });
  const versions = await hl.api<Versions>('GET', `${hooks}/${wh.body.id}/transformation/versions`);
  assert.deepEqual(versions.body.data.map((v) => [v.version, v.code]), [[2, SLACK_V2], [1, SLACK_V1]]);

  // 6. Turning it off keeps the code and version; requests go as the dialect renders them.
  const off = await hl.api<ApiWebhook>('PATCH', `${hooks}/${wh.body.id}`, { transformation: { code: SLACK_V2, enabled: false } });
  assert.deepEqual(off.body.transformation, { code: SLACK_V2, enabled: false, version: 2 });
  const third = await publish({ first_name: 'Raw', last_name: 'Event', location: 'Nowhere' });
  await rx.waitFor(3);
  assert.equal((JSON.parse(rx.received[2]!.body) as { id: string }).id, third.body.id);

  // 7. The log says which version shaped each attempt.
  const versionOf = async (eventId: string) => {
    const d = await until(`the delivery of ${eventId} succeeded`, async () => {
      const page = await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${b}/deliveries?event_id=${eventId}`);
      return page.body.data[0]?.status === 'succeeded' ? page.body.data[0] : null;
    });
    return (await hl.api<ApiDeliveryDetail>('GET', `/v1/businesses/${b}/deliveries/${d.id}`)).body.attempts[0]!.transformation_version;
  };
  assert.deepEqual([await versionOf(first.body.id), await versionOf(second.body.id), await versionOf(third.body.id)], [1, 2, null]);

  // 8. Removing it: the versions stay readable.
  const removed = await hl.api<ApiWebhook>('PATCH', `${hooks}/${wh.body.id}`, { transformation: null });
  assert.equal(removed.body.transformation, null);
  assert.equal((await hl.api<Versions>('GET', `${hooks}/${wh.body.id}/transformation/versions`)).body.data.length, 2);
  const none = await hl.api<ApiProblem>('POST', `${hooks}/${wh.body.id}/transformation/simulate`, { event_id: first.body.id });
  assert.equal(none.status, 422);
  assert.match(none.body.detail, /pass "code"/);
});

test('what a transformation may return: methods, urls and headers outside the rules are transform errors naming the rule', async (t) => {
  const hl = await startTestHookline({ allowPrivateNetworks: false });
  t.after(() => hl.stop());
  const b = await newBusiness(hl.api);
  const wh = await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, { url: 'https://crm.example.com/in', events: ['*'], transformation: { code: 'function handler(r) { return r }' } });
  assert.equal(wh.status, 201, JSON.stringify(wh.body));
  const event = { type: 'invoice/paid', data: { id: 'inv_1', amount_paid: 1500 } };
  const run = async (body: string) =>
    (await hl.api<Simulation>('POST', `/v1/businesses/${b}/webhooks/${wh.body.id}/transformation/simulate`, { code: `function handler(r) { ${body} }`, event })).body;
  const cases: [string, RegExp][] = [
    ["r.method = 'DELETE'; return r;", /method must be one of POST, PUT, PATCH/],
    ["r.method = 'GET'; return r;", /method must be one of/],
    ["r.url = 'ftp://crm.example.com/'; return r;", /http or https/],
    ["r.url = 'https://user:pw@crm.example.com/'; return r;", /credentials/],
    ["r.url = '/relative'; return r;", /not an absolute URL/],
    ["r.headers['content-type'] = 'text/plain'; return r;", /set by Hookline itself/],
    ["r.headers['webhook-signature'] = 'v1,forged'; return r;", /set by Hookline itself/],
    ["r.headers['x-a'] = 'line\\r\\nbreak'; return r;", /line breaks/],
    ["r.headers['x-n'] = 5; return r;", /must be a string/],
    ['r.headers = [1]; return r;', /headers must be an object/],
    ['delete r.body; return r;', /no body/],
    ['return [r];', /must return an object/],
    ['return 42;', /must return an object/],
    ['r.method = 1;', /must return an object.*undefined/],
    ['return null;', /must return an object.*null/],
  ];
  for (const [body, expected] of cases) {
    const r = await run(body);
    assert.equal(r.outcome, 'error', body);
    assert.match(r.error!, expected, body);
  }
  const put = await run("r.method = 'patch'; r.url = 'https://other.example.com/x?y=1'; r.headers['X-Crm-Key'] = 'k1'; r.body = { total: r.event.data.amount_paid }; return r;");
  assert.equal(put.outcome, 'send');
  assert.deepEqual({ ...put.request!, headers: undefined }, { method: 'PATCH', url: 'https://other.example.com/x?y=1', headers: undefined, body: '{"total":1500}' });
  assert.equal(put.request!.headers['X-Crm-Key'], 'k1');
  assert.equal(verifyWebhook('standard', put.request!.body, put.request!.headers, wh.body.secret).id, 'evt_simulated');
  assert.equal((await run('return { cancel: true };')).outcome, 'cancel');
});

test('a transformed url is a target like any other: a private address is refused when the attempt is made', async (t) => {
  const hl = await startTestHookline({ allowPrivateNetworks: false });
  t.after(() => hl.stop());
  const b = await newBusiness(hl.api);
  const code = "function handler(r) { r.url = 'http://169.254.169.254/latest/meta-data/'; return r; }";
  const wh = await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, { url: 'https://crm.example.com/in', events: ['*'], transformation: { code }, retry_schedule: [] });
  assert.equal(wh.status, 201, JSON.stringify(wh.body));
  await hl.api('POST', `/v1/businesses/${b}/events`, { type: 'invoice/paid', data: { id: 'inv_1' } });
  const d = await until('the attempt is refused', async () => {
    const page = await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${b}/deliveries`);
    return page.body.data[0]?.status === 'failed' ? page.body.data[0] : null;
  });
  const detail = await hl.api<ApiDeliveryDetail>('GET', `/v1/businesses/${b}/deliveries/${d.id}`);
  assert.equal(detail.body.attempts[0]!.error, 'blocked_target');
});

test('saving a transformation: bad shapes and code are 422s that name the field; the upodi dialect cannot carry one', async (t) => {
  const hl = await startTestHookline();
  t.after(() => hl.stop());
  const b = await newBusiness(hl.api);
  const hooks = `/v1/businesses/${b}/webhooks`;
  const create = (transformation: unknown, dialect = 'standard') => hl.api<ApiProblem>('POST', hooks, { url: 'https://a.example.com/', events: ['*'], dialect, transformation });
  const refused: [unknown, string][] = [
    [{ code: '' }, '/transformation/code'],
    [{ code: 'const a = 1;' }, '/transformation/code'],
    [{ code: 'function handler(r) { return r' }, '/transformation/code'],
    [{ code: 'x'.repeat(70_000) + ' handler' }, '/transformation/code'],
  ];
  for (const [value, pointer] of refused) {
    const r = await create(value);
    assert.equal(r.status, 422, JSON.stringify(value).slice(0, 80));
    assert.equal(r.body.code, 'INVALID_TRANSFORMATION');
    assert.equal((r.body as ApiProblem & { errors: { pointer: string }[] }).errors[0]!.pointer, pointer);
  }
  const upodi = await create({ code: 'function handler(r) { return r }' }, 'upodi');
  assert.equal(upodi.status, 422);
  assert.match(upodi.body.detail, /upodi dialect signs inside its body/);
  const ok = await hl.api<ApiWebhook>('POST', hooks, { url: 'https://a.example.com/', events: ['*'], transformation: { code: 'function handler(r) { return r }' } });
  const toUpodi = await hl.api<ApiProblem>('PATCH', `${hooks}/${ok.body.id}`, { dialect: 'upodi' });
  assert.equal(toUpodi.status, 422, 'a dialect change is checked against the kept transformation');
});

test('shape fuzz of the transformation field: never a 5xx, and whatever is stored reads back', async (t) => {
  const hl = await startTestHookline();
  t.after(() => hl.stop());
  const b = await newBusiness(hl.api);
  const hooks = `/v1/businesses/${b}/webhooks`;
  const wh = await hl.api<ApiWebhook>('POST', hooks, { url: 'https://a.example.com/', events: ['*'] });
  const code = fc.oneof(
    fc.constant('function handler(r) { return r }'),
    fc.string({ unit: fc.constantFrom('\u0000', '\u001f', '\u2028', '\ud800', 'function', ' handler', '(', ')', '{', '}', 'r', ';', '`', '"', '\\', 'é') }),
  );
  const shape = fc.oneof(
    fc.record({ code, enabled: fc.oneof(fc.boolean(), fc.constant(undefined)) }, { requiredKeys: ['code'] }),
    fc.record({ code: fc.oneof(fc.integer(), fc.array(code), fc.constant(null), fc.object()), enabled: fc.anything() }),
    fc.constantFrom({}, [], [[1]], 'function handler(r) { return r }', 0, true, null, { code: 'function handler(r) { return r }', extra: 1 }),
    fc.dictionary(fc.string(), fc.anything(), { maxKeys: 3 }),
  );
  await fc.assert(
    fc.asyncProperty(shape, fc.boolean(), async (value, patch) => {
      const r = patch
        ? await hl.api<ApiWebhook>('PATCH', `${hooks}/${wh.body.id}`, { transformation: value })
        : await hl.api<ApiWebhook>('POST', hooks, { url: 'https://a.example.com/', events: ['*'], transformation: value });
      assert.ok(r.status < 500, `${r.status} for ${JSON.stringify(value)}`);
      if (r.status < 300) {
        const read = await hl.api<ApiWebhook>('GET', `${hooks}/${r.body.id}`);
        assert.deepEqual(read.body.transformation, r.body.transformation);
      }
    }),
    { numRuns: 60 },
  );
  const sim = await hl.api('POST', `${hooks}/${wh.body.id}/transformation/simulate`, { code: 'function handler(r) { return r }', event: { type: 'x/y', data: [[[1]]] } });
  assert.ok(sim.status < 500, JSON.stringify(sim.body));
  const empty = await hl.api('POST', `${hooks}/${wh.body.id}/transformation/simulate`);
  assert.ok(empty.status < 500, JSON.stringify(empty.body));
});
