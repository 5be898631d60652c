import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { exampleOf, fillPath, isServerError, listRoutes, type JsonSchema, type RouteOp } from './helpers/apiRoutes.js';
import { recordFigures } from './helpers/reliabilityFigures.js';
import type { ApiAccepted, ApiDelivery, ApiIssuedToken, ApiPage, ApiWebhook } from './helpers/apiShapes.js';

/**
 * Generated and malformed requests at every route /openapi.json lists: odd path segments,
 * junk query values, bodies that are almost right, wrong in type, not JSON, or huge in depth,
 * with every kind of token. Whatever arrives, the answer is a 4xx (or a 2xx) in the documented
 * format, never a 5xx, the server keeps running, and business A's token never sees B's data.
 * FUZZ_SEED replays a run; FUZZ_RUNS sets requests per route.
 */

let hl: TestInstance;
let routes: RouteOp[];
let tokenA: string;
const A = 'fuzz-alpha';
const B = 'fuzz-bravo';
const ids: string[] = [];
const secretsOfB: string[] = [];
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

before(async () => {
  // Private targets refused, as in production: nothing fuzzed can aim deliveries at this machine.
  hl = await startTestHookline({ allowPrivateNetworks: false });
  routes = await listRoutes(hl.api);
  await hl.api('POST', '/v1/businesses', { id: A, name: 'Fuzz Alpha' });
  await hl.api('POST', '/v1/businesses', { id: B, name: 'Fuzz Bravo Secret' });
  tokenA = (await hl.api<ApiIssuedToken>('POST', `/v1/businesses/${A}/tokens`)).body.token;
  const wh = (await hl.api<ApiWebhook>('POST', `/v1/businesses/${B}/webhooks`, { url: 'https://bravo-fuzz.example.com/x', events: ['*'], headers: { 'X-Api-Key': 'bravo-fuzz-key' } })).body;
  const ev = (await hl.api<ApiAccepted>('POST', `/v1/businesses/${B}/events`, { id: 'bravo-fuzz-event', type: 'invoice/paid', data: {} })).body;
  const dl = (await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${B}/deliveries?event_id=${ev.id}`)).body.data[0]!;
  ids.push(wh.id, ev.id, dl.id);
  secretsOfB.push(wh.id, wh.secret, 'bravo-fuzz-key', 'bravo-fuzz.example.com', ev.id, dl.id, 'Fuzz Bravo Secret');
});
after(() => hl.stop());

const odd = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('..', '%', '%00', '../../etc/passwd', 'a/b', '\u0000', ' ', 'x'.repeat(300), '🎉', 'wh_', "' OR 1=1 --", '{b}', '__proto__', 'constructor'),
);

/** A body that is close to valid: the schema's own fields, each kept, dropped, or replaced by junk. */
function nearlyValid(schema: JsonSchema | null): fc.Arbitrary<unknown> {
  const example = exampleOf(schema);
  if (!example || typeof example !== 'object' || Array.isArray(example)) return fc.constant(example);
  const names = [...new Set([...Object.keys(schema?.properties ?? {}), ...Object.keys(example)])];
  const fields = Object.fromEntries(
    names.map((n) => [n, fc.option(fc.oneof(fc.constant((example as Record<string, unknown>)[n] ?? null), fc.jsonValue({ maxDepth: 3 }), odd), { nil: undefined })]),
  );
  return fc.record(fields, { requiredKeys: [] });
}

type Body = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string };

function requestFor(op: RouteOp) {
  const bodies: fc.Arbitrary<Body>[] = [
    fc.constant<Body>({ kind: 'none' }),
    fc.jsonValue({ maxDepth: 4 }).map((value): Body => ({ kind: 'json', value })),
    nearlyValid(op.body).map((value): Body => ({ kind: 'json', value })),
    fc.oneof(fc.string({ maxLength: 50 }), fc.constantFrom('{', '[1,', '{"a":', 'null', '"x"', '[]'.repeat(3000), `${'['.repeat(5000)}${']'.repeat(5000)}`)).map((text): Body => ({ kind: 'raw', text })),
  ];
  return fc.record({
    token: fc.constantFrom<'admin' | 'a' | 'bogus' | 'none'>('admin', 'a', 'a', 'bogus', 'none'),
    b: fc.oneof(fc.constantFrom(A, B, 'no-such-business'), odd),
    id: fc.oneof(fc.constantFrom(...ids), odd),
    query: fc.dictionary(fc.constantFrom(...op.queryParams, 'limit', 'cursor', 'junk'), fc.oneof(odd, fc.integer().map(String), fc.constantFrom('-1', '0', '1e400', 'NaN', 'true', '')), { maxKeys: 4 }),
    body: fc.oneof(...bodies),
    contentType: fc.constantFrom('application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', undefined),
  });
}

async function send(op: RouteOp, req: fc.Arbitrary<unknown> extends never ? never : ReturnType<typeof requestFor> extends fc.Arbitrary<infer T> ? T : never) {
  const path = fillPath(op.path, { b: req.b, id: req.id });
  const query = new URLSearchParams(req.query).toString();
  const headers: Record<string, string> = {};
  const token = { admin: hl.adminToken, a: tokenA, bogus: 'not-a-token-0123456789', none: null }[req.token];
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (op.method !== 'GET' && req.body.kind !== 'none') {
    body = req.body.kind === 'json' ? JSON.stringify(req.body.value ?? null) : req.body.text;
    if (req.contentType) headers['content-type'] = req.contentType;
  }
  const res = await fetch(hl.url + path + (query ? `?${query}` : ''), { method: op.method, headers, body });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, asked: path + query + (body ?? '') };
}

test('every route, fed generated and malformed requests, answers without a 5xx and without leaking another business', { timeout: 300_000 }, async (t) => {
  t.diagnostic(`seed ${SEED} (FUZZ_SEED=${SEED} replays it), ${RUNS} requests per route, ${routes.length} routes`);
  let sent = 0;
  for (const op of routes) {
    await fc.assert(
      fc.asyncProperty(requestFor(op), async (req) => {
        const r = await send(op, req);
        sent++;
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(r.text);
        } catch {
          /* checked below */
        }
        assert.ok(!isServerError(op.path, r.status, parsed), `${op.method} ${op.path} answered ${r.status}: ${r.text.slice(0, 300)}`);
        if (r.status >= 400 && op.path.startsWith('/api/v1/')) {
          // Svix's API answers in Svix's shapes (docs/svix.md): {code, detail}, or a 422's list.
          assert.match(r.contentType, /^application\/json/, `${op.method} ${op.path} ${r.status}`);
          const detail = (parsed as { detail?: unknown })?.detail;
          assert.ok(r.status === 422 ? Array.isArray(detail) : typeof detail === 'string', `${op.method} ${op.path} ${r.status}: ${r.text.slice(0, 300)}`);
        } else if (r.status >= 400 && !op.path.startsWith('/platform/')) {
          assert.match(r.contentType, /application\/problem\+json/, `${op.method} ${op.path} ${r.status}`);
          assert.equal(typeof (parsed as { detail?: unknown })?.detail, 'string');
        }
        if (req.token === 'a') {
          const leaked = secretsOfB.filter((s) => r.text.includes(s) && !r.asked.includes(s));
          assert.deepEqual(leaked, [], `${op.method} ${op.path} showed A's token: ${r.text.slice(0, 300)}`);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }
  t.diagnostic(`${sent} requests`);
  const alive = await hl.api('GET', '/healthz', undefined, null);
  assert.equal(alive.status, 200, 'the server is still up');
  recordFigures('fuzz-values', {
    probe: 'Generated and malformed values at every route: odd path segments, junk queries, nearly valid bodies, bodies not JSON, every kind of token',
    test: 'test/api.fuzz.test.ts',
    tries: sent,
    server_errors: 0,
    lost: null,
    duplicates: null,
    recovery_ms: null,
    note: `${routes.length} routes; no answer to business A's token showed business B's data`,
  });
});
