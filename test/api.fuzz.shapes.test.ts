import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { exampleOf, fillPath, isServerError, listRoutes, type RouteOp } from './helpers/apiRoutes.js';
import { recordFigures } from './helpers/reliabilityFigures.js';
import type { ApiAccepted, ApiBusiness, ApiDelivery, ApiIssuedToken, ApiListedWebhook, ApiPage, ApiWebhook } from './helpers/apiShapes.js';

/**
 * Issue 12 §7: every route /openapi.json lists, fed bodies, queries and paths of the wrong
 * *shape*, not only wrong values: a field's value nested in arrays (`[[1]]`), replaced by
 * another type, huge or tiny numbers, objects nested past the depth limit, strings with
 * control characters and unpaired surrogates, and empty bodies sent as JSON. Each request starts
 * from a body that is valid for its route, so the broken field is what decides the answer.
 * Nothing may answer a 5xx, and afterwards every list and read route must still answer 2xx for
 * everything that got stored: a bad row that passed validation would break a read.
 * FUZZ_SEED replays a run; FUZZ_SHAPE_RUNS sets requests per route.
 */

let hl: TestInstance;
let routes: RouteOp[];
let tokenA: string;
const A = 'shapes-alpha';
const webhookIds: string[] = [];
const otherIds: string[] = [];
const RUNS = Number(process.env.FUZZ_SHAPE_RUNS ?? 80);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

/** A body each route accepts as it is, so that one reshaped field is what gets tested. */
const VALID: Record<string, Record<string, unknown>> = {
  'POST /v1/businesses': { id: 'shapes-new', name: 'New' },
  'POST /v1/businesses/{b}/webhooks': {
    url: 'https://shapes.example.com/h', events: ['*'], name: 'n', headers: { 'X-Key': 'v' }, timeout_ms: 3000,
    retry_schedule: [1, 2], rate_limit: 5, max_in_flight: 5, ordering: 'none', enabled: true, dialect: 'standard',
  },
  'PATCH /v1/businesses/{b}/webhooks/{id}': { name: 'n', headers: { 'X-Key': 'v' }, retry_schedule: [1], rate_limit: 2, timeout_ms: 2000, max_in_flight: 3, enabled: true },
  'POST /v1/businesses/{b}/webhooks/{id}/rotate-secret': { secret: 'whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=' },
  'POST /v1/businesses/{b}/webhooks/{id}/replay': { since: '2020-01-01T00:00:00Z' },
  'POST /v1/businesses/{b}/events': { type: 'invoice/paid', data: { id: 'inv_1', amount: 10 }, id: 'shaped-1', occurred_at: '2024-05-01T00:00:00Z' },
  'POST /v1/businesses/{b}/events/batch': { events: [{ type: 'invoice/paid', data: { id: 'inv_2' } }] },
  'POST /v1/businesses/{b}/listeners': { events: ['client/*'], dialect: 'standard' },
  'POST /v1/businesses/{b}/listeners/{id}/results': { attempt_id: 'a-1', status_code: 200, error: null, duration_ms: 12, response_body: 'ok' },
  'POST /v1/event-types': { type: 'shaped/thing', description: 'A shaped thing.', schema: { type: 'object', properties: { n: { type: 'integer' } } }, example: { n: 1 } },
  'POST /platform/v1/webhook/subscribe': { event: 'client/created', target_url: 'https://shapes.example.com/v', business: A },
  'POST /platform/v1/webhook/unsubscribe': { target_url: 'https://shapes.example.com/v', business: A },
};

before(async () => {
  hl = await startTestHookline({ allowPrivateNetworks: false });
  routes = await listRoutes(hl.api);
  await hl.api('POST', '/v1/businesses', { id: A, name: 'Shapes Alpha' });
  tokenA = (await hl.api<ApiIssuedToken>('POST', `/v1/businesses/${A}/tokens`)).body.token;
  for (let i = 0; i < 4; i++) {
    webhookIds.push((await hl.api<ApiWebhook>('POST', `/v1/businesses/${A}/webhooks`, { url: `https://shapes-${i}.example.com/h`, events: ['*'] })).body.id);
  }
  const ev = (await hl.api<ApiAccepted>('POST', `/v1/businesses/${A}/events`, { id: 'shapes-event', type: 'invoice/paid', data: {} })).body;
  otherIds.push(ev.id, (await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${A}/deliveries?event_id=${ev.id}`)).body.data[0]!.id);
});
after(() => hl.stop());

const controlText = fc.string({
  unit: fc.constantFrom('\u0000', '\u0001', '\u001f', '\u007f', '\u0085', '\u2028', '\ud800', '\udfff', '中', 'é', '\t', '\r\n', 'a', '"', '\\', '%'),
  maxLength: 16,
});
/** For path segments, which must be encodable: no unpaired surrogates. */
const pathText = fc.string({ unit: fc.constantFrom('\u0000', '\u0001', '\u007f', '中', 'é', '\t', 'a', '"', '\\', '%', '.', '/'), maxLength: 16 });
const scalar = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, -1, 1e308, -1e308, 2 ** 53 + 1, 5e-324, 1e-9, 0.5, 4294967296, 1e21),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 12 }),
  controlText,
  fc.constantFrom('', ' ', 'true', '1', '[1]', '{}', 'null', 'x'.repeat(5000)),
);

function nest(value: unknown, depth: number, asArray: boolean): unknown {
  let v = value;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
}

/** `value` kept, or changed in shape: wrapped, replaced by another type, nested deep, emptied. */
function reshaped(value: unknown): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(value) },
    { weight: 2, arbitrary: scalar },
    { weight: 1, arbitrary: fc.constantFrom([value], [[value]], [[value, value]], [], {}, { value }, [null], [[]]) },
    { weight: 2, arbitrary: fc.array(scalar, { maxLength: 4 }) },
    { weight: 2, arbitrary: fc.array(fc.array(scalar, { maxLength: 3 }), { minLength: 1, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(controlText, scalar, { maxKeys: 3 }) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 2, max: 200 }), fc.boolean()).map(([d, arr]) => nest(value, d, arr)) },
  );
}

type Body = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string };

function bodiesFor(op: RouteOp): fc.Arbitrary<Body> {
  const valid = VALID[`${op.method} ${op.path}`] ?? (exampleOf(op.body) as Record<string, unknown> | undefined) ?? {};
  const names = Object.keys(valid);
  const fieldwise =
    names.length === 0
      ? fc.constant(valid)
      : fc.record(Object.fromEntries(names.map((n) => [n, fc.oneof({ weight: 3, arbitrary: fc.constant(valid[n]) }, { weight: 2, arbitrary: reshaped(valid[n]) }, { weight: 1, arbitrary: fc.constant(undefined) })])), { requiredKeys: [] });
  return fc.oneof(
    { weight: 8, arbitrary: fieldwise.map((value): Body => ({ kind: 'json', value: JSON.parse(JSON.stringify(value)) })) },
    { weight: 2, arbitrary: reshaped(valid).map((value): Body => ({ kind: 'json', value })) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '\n', `${'{"a":'.repeat(6000)}1${'}'.repeat(6000)}`, `${'['.repeat(70)}${']'.repeat(70)}`).map((text): Body => ({ kind: 'raw', text })) },
    { weight: 1, arbitrary: fc.constant<Body>({ kind: 'none' }) },
  );
}

function requestFor(op: RouteOp) {
  const queryValue = fc.oneof(fc.integer().map(String), controlText, fc.constantFrom('1e308', '-0', '0x10', '1.5', '[]', '{}', 'null', '', '250', '251', '9007199254740993'));
  return fc.record({
    token: fc.constantFrom<'admin' | 'a'>('admin', 'admin', 'a'),
    b: fc.oneof({ weight: 5, arbitrary: fc.constant(A) }, { weight: 1, arbitrary: pathText }),
    id: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...webhookIds, ...otherIds) }, { weight: 1, arbitrary: pathText }),
    // Pairs, so a name can repeat (`?limit=1&limit=2` arrives as an array).
    query: fc.array(fc.tuple(fc.constantFrom(...op.queryParams, 'limit', 'cursor'), queryValue), { maxLength: 3 }),
    body: bodiesFor(op),
  });
}

type Req = ReturnType<typeof requestFor> extends fc.Arbitrary<infer T> ? T : never;

async function send(op: RouteOp, req: Req) {
  const path = fillPath(op.path, { b: req.b, id: req.id });
  const query = new URLSearchParams(req.query).toString();
  const headers: Record<string, string> = { authorization: `Bearer ${req.token === 'admin' ? hl.adminToken : tokenA}` };
  let body: string | undefined;
  if (op.method !== 'GET' && req.body.kind !== 'none') {
    body = req.body.kind === 'json' ? JSON.stringify(req.body.value ?? null) : req.body.text;
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(hl.url + path + (query ? `?${query}` : ''), { method: op.method, headers, body });
  return { status: res.status, text: await res.text() };
}

let tries = 0;
let serverErrors = 0;

test('issue 12: every route, fed requests of the wrong shape, answers without a 5xx', { timeout: 120_000 }, async (t) => {
  t.diagnostic(`seed ${SEED} (FUZZ_SEED=${SEED} replays it), ${RUNS} requests per route, ${routes.length} routes`);
  for (const op of routes) {
    await fc.assert(
      fc.asyncProperty(requestFor(op), async (req) => {
        const r = await send(op, req);
        tries++;
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(r.text);
        } catch {
          /* not JSON: only a problem if it is also a 5xx */
        }
        if (isServerError(op.path, r.status, parsed)) serverErrors++;
        assert.ok(!isServerError(op.path, r.status, parsed), `${op.method} ${op.path} answered ${r.status}: ${r.text.slice(0, 300)}`);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }
  t.diagnostic(`${tries} requests, ${serverErrors} answered 5xx`);
});

test('issue 12: after the fuzz, every list and read route still answers 2xx for everything stored', { timeout: 60_000 }, async (t) => {
  let reads = 0;
  const read = async <T = unknown>(path: string): Promise<T> => {
    const r = await hl.api<T>('GET', path);
    reads++;
    assert.ok(r.status >= 200 && r.status < 300, `GET ${path} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body;
  };
  for (const path of ['/v1/event-types', '/v1/overview', '/v1/whoami', '/metrics', '/openapi.json', '/platform/v1/webhooks']) await read(path);
  const businesses = (await read<ApiPage<ApiBusiness>>('/v1/businesses')).data;
  for (const { id: b } of businesses) {
    const bp = `/v1/businesses/${encodeURIComponent(b)}`;
    await read(bp);
    await read(`${bp}/inboxes`);
    await read(`/platform/v1/webhooks?business=${encodeURIComponent(b)}`);
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const page: ApiPage<ApiListedWebhook> = await read<ApiPage<ApiListedWebhook>>(`${bp}/webhooks?limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      for (const w of page.data) await read(`${bp}/webhooks/${w.id}`);
      cursor = page.next_cursor ?? null;
    }
    const deliveries = (await read<ApiPage<ApiDelivery>>(`${bp}/deliveries?limit=250`)).data;
    for (const d of deliveries) {
      await read(`${bp}/deliveries/${d.id}`);
      await read(`${bp}/events/${encodeURIComponent(d.event_id)}`);
    }
  }
  t.diagnostic(`${businesses.length} businesses, ${reads} reads, all 2xx`);
  recordFigures('fuzz-shapes', {
    probe: 'Requests of the wrong shape at every route (nested arrays, wrong types, huge numbers, 6,000-deep bodies, control characters, empty JSON bodies), then every stored row read back',
    test: 'test/api.fuzz.shapes.test.ts',
    tries,
    server_errors: serverErrors,
    lost: null,
    duplicates: null,
    recovery_ms: null,
    note: `${routes.length} routes; ${reads} reads afterwards, all 2xx`,
  });
});
