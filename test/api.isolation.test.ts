import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { exampleOf, fillPath, idKind, isServerError, listRoutes, type RouteOp } from './helpers/apiRoutes.js';
import { until } from './helpers/wait.js';
import type { ApiAccepted, ApiBusiness, ApiDelivery, ApiInbox, ApiIssuedToken, ApiListedToken, ApiListedWebhook, ApiPage, ApiProblem, ApiWebhook } from './helpers/apiShapes.js';

/**
 * The isolation matrix: every route of /openapi.json, called with business A's token, aimed
 * at business B and at B's resources by id. A new route is covered the day it appears in the
 * document. Nothing of B may come back, and nothing of B may change.
 */

let hl: TestInstance;
let routes: RouteOp[];
let tokenA: string;
const A = 'iso-alpha';
const B = 'iso-bravo';
/** B's ids by the collection they live in. */
const idsOfB: Record<string, string> = {};
/** Strings that exist only in business B: any of them in an answer to A is a leak. */
const secretsOfB: string[] = [];
let snapshotOfB: string;

async function snapshot(): Promise<string> {
  const webhooks = (await hl.api<ApiPage<ApiListedWebhook>>('GET', `/v1/businesses/${B}/webhooks`)).body.data;
  const deliveries = (await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${B}/deliveries?limit=250`)).body.data;
  const wh = (await hl.api<ApiWebhook>('GET', `/v1/businesses/${B}/webhooks/${idsOfB.webhooks}`)).body;
  const business = (await hl.api<ApiBusiness>('GET', `/v1/businesses/${B}`)).body;
  const tokens = (await hl.api<ApiPage<ApiListedToken>>('GET', `/v1/businesses/${B}/tokens`)).body.data;
  return JSON.stringify({ webhooks, deliveries: deliveries.map((d: { id: string; status: string; attempt_count: number }) => [d.id, d.status, d.attempt_count]), wh, business, tokens });
}

before(async () => {
  hl = await startTestHookline();
  routes = await listRoutes(hl.api);
  assert.equal((await hl.api('POST', '/v1/businesses', { id: A, name: 'Alpha' })).status, 201);
  assert.equal((await hl.api('POST', '/v1/businesses', { id: B, name: 'Bravo Confidential Name' })).status, 201);
  tokenA = (await hl.api<ApiIssuedToken>('POST', `/v1/businesses/${A}/tokens`)).body.token;
  await hl.api('POST', `/v1/businesses/${A}/webhooks`, { url: 'https://alpha.example.com/hook', events: ['*'] });
  // B's webhook points nowhere reachable and never retries, so its delivery settles and stays put.
  const wh = (await hl.api<ApiWebhook>('POST', `/v1/businesses/${B}/webhooks`, {
    url: 'http://127.0.0.1:9/bravo-private-path', events: ['*'], retry_schedule: [], headers: { Authorization: 'Bearer bravo-header-token' },
  })).body;
  const ev = (await hl.api<ApiAccepted>('POST', `/v1/businesses/${B}/events`, { id: 'bravo-event-1', type: 'invoice/paid', data: { id: 'bravo-invoice' } })).body;
  const delivery = await until('B has a delivery', async () => {
    const d = (await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${B}/deliveries?event_id=${ev.id}`)).body.data[0];
    return d?.status === 'failed' && d;
  });
  idsOfB.webhooks = wh.id;
  idsOfB.events = ev.id;
  idsOfB.deliveries = delivery.id;
  // Issue 12: B's token can be neither listed nor revoked through A.
  const tokenOfB = (await hl.api<ApiIssuedToken>('POST', `/v1/businesses/${B}/tokens`, { name: 'Bravo staff token' })).body;
  idsOfB.tokens = tokenOfB.id;
  secretsOfB.push(tokenOfB.id, tokenOfB.token, tokenOfB.token.slice(0, 12), 'Bravo staff token');
  const inbox = await hl.api<ApiInbox>('POST', `/v1/businesses/${B}/inboxes`, {});
  if (inbox.status === 201) idsOfB.inboxes = inbox.body.id;
  // Health is written in batches: let the failed attempt's count land before taking the picture.
  await until('B\u2019s health settled', async () => (await hl.api<ApiWebhook>('GET', `/v1/businesses/${B}/webhooks/${wh.id}`)).body.health.consecutive_failures === 1);
  secretsOfB.push(wh.id, wh.secret, 'bravo-header-token', 'bravo-private-path', ev.id, delivery.id, 'bravo-invoice', 'Bravo Confidential Name', ...(idsOfB.inboxes ? [idsOfB.inboxes] : []));
  snapshotOfB = await snapshot();
});
after(() => hl.stop());

/** B's strings in an answer, leaving out those the request itself carried (a 404 may echo the id it was asked for). */
function leaks(body: unknown, asked: string): string[] {
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  return secretsOfB.filter((s) => text.includes(s) && !asked.includes(s));
}

async function call(op: RouteOp, path: string, body: unknown) {
  const r = await hl.api<ApiProblem>(op.method, path, body, tokenA);
  return { ...r, leaked: leaks(r.body, path + JSON.stringify(body ?? '')) };
}

/** B's ids for a route's `{id}`: the one of its kind, or every one when the kind is new. */
function candidateIds(op: RouteOp): string[] {
  if (!op.pathParams.includes('id')) return [''];
  const kind = idKind(op.path);
  return kind && idsOfB[kind] ? [idsOfB[kind]!] : Object.values(idsOfB);
}

function queryNaming(op: RouteOp, business: string): string {
  const q = new URLSearchParams();
  for (const name of op.queryParams) {
    if (name === 'business' || name === 'business_id') q.set(name, business);
    else if (name === 'webhook_id') q.set(name, idsOfB.webhooks!);
    else if (name === 'event_id') q.set(name, idsOfB.events!);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

test('the route list comes from /openapi.json and covers the business routes', () => {
  const withB = routes.filter((r) => r.pathParams.includes('b'));
  assert.ok(withB.length >= 15, `${withB.length} business routes`);
  assert.ok(routes.some((r) => r.path === '/v1/businesses/{b}/webhooks/{id}' && r.method === 'PATCH'));
});

test("every business route answers A's token 404 for business B, whatever it carries, and leaks nothing", async () => {
  for (const op of routes.filter((r) => r.pathParams.includes('b'))) {
    for (const id of candidateIds(op)) {
      for (const body of op.method === 'GET' || op.method === 'DELETE' ? [undefined] : [exampleOf(op.body) ?? {}, { garbage: true }]) {
        const r = await call(op, fillPath(op.path, { b: B, id }) + queryNaming(op, B), body);
        assert.equal(r.status, 404, `${op.method} ${op.path} (id ${id}) answered ${r.status}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.code, 'BUSINESS_NOT_FOUND', `${op.method} ${op.path}`);
        assert.deepEqual(r.leaked, [], `${op.method} ${op.path}`);
      }
    }
  }
});

test("B's ids through A's own business are not found, and listing A's data with B's ids as filters shows none of B's", async () => {
  for (const op of routes.filter((r) => r.pathParams.includes('b'))) {
    for (const id of candidateIds(op)) {
      if (op.method === 'POST' && !op.pathParams.includes('id')) continue; // creates something in A: not about B
      const body = op.method === 'GET' || op.method === 'DELETE' ? undefined : (exampleOf(op.body) ?? {});
      const r = await call(op, fillPath(op.path, { b: A, id }) + queryNaming(op, B), body);
      assert.ok(r.status < 500, `${op.method} ${op.path}: ${r.status}`);
      if (op.pathParams.includes('id')) assert.ok(r.status >= 400, `${op.method} ${op.path} with B's id ${id} answered ${r.status}`);
      assert.deepEqual(r.leaked, [], `${op.method} ${op.path} (id ${id})`);
    }
  }
});

test('routes outside a business path, asked about B with A\u2019s token, leak nothing of B', async () => {
  for (const op of routes.filter((r) => !r.pathParams.includes('b'))) {
    const body = op.method === 'GET' || op.method === 'DELETE' ? undefined : { ...(exampleOf(op.body) as object), business: B, business_id: B };
    const r = await call(op, fillPath(op.path, {}) + queryNaming(op, B), body);
    assert.ok(!isServerError(op.path, r.status, r.body), `${op.method} ${op.path}: ${r.status} ${JSON.stringify(r.body)}`);
    assert.deepEqual(r.leaked, [], `${op.method} ${op.path} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  }
});

test('after all of that, business B is exactly as it was', async () => {
  assert.equal(await snapshot(), snapshotOfB);
});
