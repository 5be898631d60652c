import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { startTestHookline } from './helpers/hookline.js';
import { startReceiver, type Received } from './helpers/receiver.js';
import { dialectNames, findDialect, type FieldRule } from '../src/dialects/index.js';
import type * as verifyApi from '../src/verify/index.js';
import type { ApiAccepted, ApiBatchAccepted, ApiBusiness, ApiEventType, ApiPage, ApiRenderedRequest, ApiWebhook } from './helpers/apiShapes.js';

/*
 * Issue 11 end to end: the platform publishes once, in the catalogue's shape, and each
 * webhook's dialect translates it. Real Hookline, real receivers on loopback, and every
 * request checked by the receiving library as a subscriber would install it.
 */

// The built package, through its public subpath (a variable keeps TypeScript off the self-reference).
const verifySpecifier = 'hookline/verify';
const { verifyWebhook } = (await import(verifySpecifier)) as typeof verifyApi;

const BUSINESS = 'acme';

async function setUp(t: TestContext) {
  const hl = await startTestHookline();
  t.after(() => hl.stop());
  const rx = await startReceiver();
  t.after(() => rx.close());
  const created = await hl.api<ApiBusiness>('POST', '/v1/businesses', { id: BUSINESS, name: 'Acme Studios' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const secrets = new Map<string, string>();
  /** One webhook per dialect, each at its own path, subscribed to `events` (or all it can carry). */
  const subscribe = async (dialects: string[], events: (dialect: string) => string[]) => {
    for (const dialect of dialects) {
      const res = await hl.api<ApiWebhook>('POST', `/v1/businesses/${BUSINESS}/webhooks`, { url: `${rx.url}/${dialect}`, dialect, events: events(dialect) });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      secrets.set(dialect, res.body.secret);
    }
  };
  const example = async (type: string) => {
    const list = await hl.api<ApiPage<ApiEventType>>('GET', '/v1/event-types');
    return list.body.data.find((d) => d.type === type)!.example as Record<string, unknown>;
  };
  const byDialect = (dialect: string): Received[] => rx.received.filter((r) => r.url === `/${dialect}`);
  const verified = (dialect: string, r: Received) => verifyWebhook(dialect as verifyApi.DialectName, r.body, r.headers, secrets.get(dialect)!);
  return { hl, rx, secrets, subscribe, example, byDialect, verified };
}

/**
 * Dialects whose requests name their event, so arrivals can be told apart by it. The svix
 * dialect sends the payload alone (docs/svix.md); test/svix.sdk.test.ts covers it.
 */
const namingDialects = (): string[] => dialectNames().filter((n) => n !== 'svix');

const hex = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');

test('journey: one canonical client/created reaches six webhooks, one per dialect, each translated, signed and verified as docs/dialects.md says (issue 11)', async (t) => {
  const s = await setUp(t);
  await s.subscribe(namingDialects(), () => ['client/created']);
  const data = await s.example('client/created');
  const published = await s.hl.api<ApiAccepted>('POST', `/v1/businesses/${BUSINESS}/events`, { type: 'client/created', data, occurred_at: '2025-04-14T06:58:12.123Z' });
  assert.equal(published.status, 202, JSON.stringify(published.body));
  await s.rx.waitFor(6);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(s.rx.received.length, 6, 'one request per webhook');
  const eventId = published.body.id as string;
  const one = (dialect: string) => {
    const got = s.byDialect(dialect);
    assert.equal(got.length, 1, dialect);
    const r = got[0]!;
    const v = s.verified(dialect, r);
    return { r, body: JSON.parse(r.body), v };
  };

  const standard = one('standard');
  const viaOfficial = new StandardWebhook(s.secrets.get('standard')!).verify(standard.r.body, standard.r.headers as Record<string, string>) as Record<string, unknown>;
  assert.deepEqual(viaOfficial, { id: eventId, type: 'client/created', business: BUSINESS, timestamp: '2025-04-14T06:58:12.123Z', data });
  assert.equal(standard.v.id, eventId);

  const opus1 = one('opus1');
  assert.deepEqual(opus1.body, { ...data, business: BUSINESS });
  assert.equal(Object.keys(opus1.body)[0], 'business');
  assert.equal(opus1.r.headers['x-opus1-trigger'], 'client_create_trigger');
  assert.equal(opus1.r.headers['x-opus1-signature'], `sha256=${hex(s.secrets.get('opus1')!, opus1.r.body)}`);
  assert.equal(opus1.v.event, 'client_create_trigger');

  const upodi = one('upodi');
  assert.equal(upodi.body.Type, 'Customer');
  assert.equal(upodi.body.Action, 'create');
  assert.deepEqual(upodi.body.Issuer, { Url: '/Customer/create/48213', Identifier: '48213' });
  assert.deepEqual(upodi.body.Data, { FirstName: 'Maya', LastName: 'Okafor', Email: 'maya.okafor@example.com', Phone: '+1 415 555 0142', Status: 'active' });
  assert.equal(upodi.v.event, 'Customer.create');

  const hapana = one('hapana');
  assert.equal(hapana.body.eventType, 'accountCreated');
  assert.equal(hapana.body.eventId, eventId);
  assert.deepEqual(hapana.body.data, {
    clientID: 48213, siteID: 31, firstName: 'Maya', lastName: 'Okafor', email: 'maya.okafor@example.com', phone: '+1 415 555 0142',
    joinDate: '2025-03-02T09:15:00Z', leadSource: 'website',
    address: { street: '12 Pier Road', city: 'San Francisco', state: 'CA', zipCode: '94107', country: 'US' }, birthDate: '1991-07-19',
  });
  assert.equal(hapana.r.headers['x-hapana-event'], 'accountCreated');
  assert.equal(hapana.v.id, eventId);

  const wl = one('wellnessliving');
  const { meta_data: meta, ...resource } = wl.body;
  assert.deepEqual(resource, { uid: '48213', s_first_name: 'Maya', s_last_name: 'Okafor', s_mail: 'maya.okafor@example.com', s_phone: '+1 415 555 0142', dt_add: '2025-03-02T09:14:07Z', dt_birth: '1991-07-19' });
  assert.deepEqual(meta, { id: eventId, business_id: BUSINESS, date: '2025-04-14T06:58:12.123Z', topic: 'client.created', operation: 'created', source: 'client', version: 1 });
  assert.equal(wl.r.headers['x-signature-256'], hex(s.secrets.get('wellnessliving')!, wl.r.body));
  assert.equal(wl.v.event, 'client.created');

  const vcita = one('vcita');
  assert.deepEqual(vcita.body, { entity_name: 'client', event_type: 'created', data });
  assert.equal(vcita.r.headers['x-vcita-event-id'], eventId);
  assert.equal(vcita.v.id, eventId);

  // The catalogue's per-dialect view shows the same translated body a receiver got.
  for (const [dialect, got] of [['hapana', hapana.body.data], ['upodi', upodi.body.Data]] as const) {
    const preview = await s.hl.api<ApiRenderedRequest>('GET', `/v1/event-types/preview?type=client/created&dialect=${dialect}`);
    assert.equal(preview.status, 200, JSON.stringify(preview.body));
    const shown = JSON.parse(preview.body.body);
    assert.deepEqual(dialect === 'hapana' ? shown.data : shown.Data, got, dialect);
  }
});

test('issue 11: a business with a Hapana webhook publishes the catalogue\'s own client/created: 202, and every webhook, Hapana\'s included, receives it', async (t) => {
  const s = await setUp(t);
  await s.subscribe(['hapana', 'standard', 'wellnessliving', 'vcita'], () => ['client/created']);
  const res = await s.hl.api<ApiAccepted>('POST', `/v1/businesses/${BUSINESS}/events`, { type: 'client/created', data: { id: 44, first_name: 'Ada', email: 'ada@example.com', status: 'active' } });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  assert.equal(res.body.deliveries, 4);
  await s.rx.waitFor(4);
  for (const dialect of ['hapana', 'standard', 'wellnessliving', 'vcita']) assert.equal(s.byDialect(dialect).length, 1, dialect);
  assert.deepEqual(JSON.parse(s.byDialect('hapana')[0]!.body).data, { clientID: 44, firstName: 'Ada', email: 'ada@example.com' });
});

/** What the table promises for one rule, worked out here from the canonical data independently of the renderer. */
function promised(rule: FieldRule, data: Record<string, unknown>): unknown {
  const get = (o: unknown, path: string) => path.split('.').reduce<unknown>((at, k) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[k] : undefined), o);
  const source = rule.from.find((f) => get(data, f) !== undefined && get(data, f) !== null);
  if (source === undefined) return rule.absent === 'null' ? null : undefined;
  const value = get(data, source);
  if (rule.items) return (value as Record<string, unknown>[]).map((item) => Object.fromEntries(rule.items!.map((r) => [r.field, promised(r, item)]).filter(([, v]) => v !== undefined)));
  if (rule.values && typeof value === 'string') return rule.values[value] ?? value;
  if (rule.as === 'string') return String(value);
  if (rule.as === 'money') return typeof value === 'number' ? value.toFixed(2) : value;
  return value;
}

test('every type two or more dialects express: its catalogue example, published once, reaches each of them exactly once, with the values its mapping table promises (issue 11)', async (t) => {
  const s = await setUp(t);
  const catalogue = (await s.hl.api<ApiPage<ApiEventType>>('GET', '/v1/event-types')).body.data;
  const types = catalogue.filter((d) => !d.type.startsWith('hookline/') && namingDialects().filter((n) => findDialect(n)!.eventName(d.type) !== null).length >= 2);
  assert.ok(types.length > 80, `${types.length} types`);
  await s.subscribe(namingDialects(), (dialect) => types.filter((d) => findDialect(dialect)!.eventName(d.type) !== null).map((d) => d.type));
  const batch = await s.hl.api<ApiBatchAccepted>('POST', `/v1/businesses/${BUSINESS}/events/batch`, { events: types.map((d) => ({ type: d.type, data: d.example })) });
  assert.equal(batch.status, 202, JSON.stringify(batch.body));
  const expected = types.reduce((n, d) => n + namingDialects().filter((x) => findDialect(x)!.eventName(d.type) !== null).length, 0);
  await s.rx.waitFor(expected, 20_000);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(s.rx.received.length, expected, 'no webhook got anything twice');

  for (const dialectName of namingDialects()) {
    const dialect = findDialect(dialectName)!;
    const got = new Map<string, Record<string, unknown>>();
    for (const r of s.byDialect(dialectName)) {
      const v = s.verified(dialectName, r);
      assert.ok(v.event !== null && !got.has(v.event), `${dialectName}: ${v.event} arrived once`);
      got.set(v.event, JSON.parse(r.body));
    }
    for (const def of types.filter((d) => dialect.eventName(d.type) !== null)) {
      const body = got.get(dialect.eventName(def.type)!);
      assert.ok(body, `${dialectName} got ${def.type}`);
      const rules = dialect.mapping?.[def.type];
      // Where the mapped fields live in each body.
      const root = dialectName === 'hapana' ? (body['data'] as Record<string, unknown>) : body;
      if (!rules) {
        const asPublished = { standard: body['data'], vcita: body['data'], hapana: body['data'], upodi: body['Data'], opus1: { ...body, business: def.example['business'] ?? BUSINESS }, wellnessliving: { ...body, meta_data: undefined } }[dialectName];
        const expectedData = dialectName === 'wellnessliving' ? { ...def.example, meta_data: undefined } : def.example;
        assert.deepEqual(asPublished, dialectName === 'opus1' ? { ...def.example, business: def.example['business'] ?? BUSINESS } : expectedData, `${dialectName} ${def.type} as published`);
        continue;
      }
      for (const rule of rules) {
        const want = promised(rule, def.example);
        const at = rule.field.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), root);
        assert.deepEqual(at, want, `${dialectName} ${def.type} ${rule.field}`);
      }
    }
  }
});
