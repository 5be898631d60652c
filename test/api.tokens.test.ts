import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { storeFactories } from './helpers/stores.js';
import { TokenAuth, LAST_USED_GRANULARITY_MS, TOKEN_CACHE_MS } from '../src/auth/TokenAuth.js';
import { hashToken } from '../src/auth/hashToken.js';
import { sleep, until } from './helpers/wait.js';
import type { ApiIssuedToken, ApiListedToken, ApiPage, ApiProblem } from './helpers/apiShapes.js';

/** Token lifecycle (issue 12): issue, list, use, expire and revoke business tokens through the API. */

let hl: TestInstance;

before(async () => {
  hl = await startTestHookline();
  await hl.api('POST', '/v1/businesses', { id: 'studio', name: 'Studio' });
  await hl.api('POST', '/v1/businesses', { id: 'other', name: 'Other' });
});
after(() => hl.stop());

test('journey (issue 12): a token is issued and shown once, used, listed without the token, revoked, then refused at once', async () => {
  const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
  const issued = await hl.api<ApiIssuedToken>('POST', '/v1/businesses/studio/tokens', { name: 'front desk', expires_at: expiresAt });
  assert.equal(issued.status, 201);
  const { id, token } = issued.body;
  assert.match(id, /^tok_/);
  assert.match(token, /^hl_biz_/);
  assert.deepEqual(Object.keys(issued.body).sort(), ['business', 'created_at', 'expires_at', 'id', 'name', 'token']);
  assert.equal(issued.body.business, 'studio');
  assert.equal(issued.body.name, 'front desk');
  assert.equal(issued.body.expires_at, expiresAt);

  assert.equal((await hl.api('GET', '/v1/businesses/studio/webhooks', undefined, token)).status, 200);

  const list = await hl.api<ApiPage<ApiListedToken>>('GET', '/v1/businesses/studio/tokens');
  assert.equal(list.status, 200);
  const listed = list.body.data.find((t) => t.id === id)!;
  assert.deepEqual(Object.keys(listed).sort(), ['created_at', 'expires_at', 'id', 'last_used_at', 'name', 'prefix']);
  assert.equal(listed.prefix, token.slice(0, 12));
  assert.equal(listed.expires_at, expiresAt);
  assert.ok(listed.last_used_at, 'the use above is recorded');
  assert.ok(!JSON.stringify(list.body).includes(token), 'the list never shows the token');
  assert.ok(!JSON.stringify(list.body).includes(hashToken(token)), 'nor its hash');
  assert.deepEqual((await hl.api<ApiPage<ApiListedToken>>('GET', '/v1/businesses/other/tokens')).body.data, [], "another business's list is its own");

  const revoked = await hl.api('DELETE', `/v1/businesses/studio/tokens/${id}`);
  assert.equal(revoked.status, 204);
  const refused = await hl.api<ApiProblem>('GET', '/v1/businesses/studio/webhooks', undefined, token);
  assert.equal(refused.status, 401, 'refused by the process that revoked it at once, not after its cache expires');
  assert.equal(refused.body.code, 'UNAUTHORIZED');
  assert.ok(!(await hl.api<ApiPage<ApiListedToken>>('GET', '/v1/businesses/studio/tokens')).body.data.some((t: { id: string }) => t.id === id));

  const again = await hl.api<ApiProblem>('DELETE', `/v1/businesses/studio/tokens/${id}`);
  assert.equal(again.status, 404);
  assert.equal(again.body.code, 'TOKEN_NOT_FOUND');
});

test('a token issued with no body has no name and never expires', async () => {
  const r = await hl.api<ApiIssuedToken>('POST', '/v1/businesses/studio/tokens');
  assert.equal(r.status, 201);
  assert.equal(r.body.name, null);
  assert.equal(r.body.expires_at, null);
});

test('an expired token is refused with a 401 whose detail says it expired and when (issue 12)', async () => {
  const expiresAt = new Date(Date.now() + 1200).toISOString();
  const { token } = (await hl.api<ApiIssuedToken>('POST', '/v1/businesses/studio/tokens', { expires_at: expiresAt })).body;
  assert.equal((await hl.api('GET', '/v1/businesses/studio', undefined, token)).status, 200);
  const r = await until('the token expires', async () => {
    const res = await hl.api<ApiProblem>('GET', '/v1/businesses/studio', undefined, token);
    return res.status !== 200 && res;
  }, 5000);
  assert.equal(r.status, 401);
  assert.equal(r.body.code, 'TOKEN_EXPIRED');
  assert.match(r.body.detail, /expired/);
  assert.ok(r.body.detail.includes(expiresAt), r.body.detail);
  assert.equal(r.headers.get('www-authenticate'), 'Bearer');
});

test('expires_at must be an ISO 8601 time in the future, and the body has no other fields', async () => {
  const past = await hl.api<ApiProblem>('POST', '/v1/businesses/studio/tokens', { expires_at: '2020-01-01T00:00:00Z' });
  assert.equal(past.status, 422);
  assert.equal(past.body.code, 'INVALID_TOKEN_EXPIRY');
  assert.match(past.body.detail, /future/);
  for (const body of [{ expires_at: 'tomorrow' }, { expires_at: 1893456000000 }, { expires_at: '2030-01-01' }, { name: '' }, { name: 'a\u0001b' }, { name: 'x'.repeat(201) }, { name: 'x', scope: 'all' }]) {
    const r = await hl.api<ApiProblem>('POST', '/v1/businesses/studio/tokens', body);
    assert.equal(r.status, 400, `${JSON.stringify(body)} answered ${r.status}`);
    assert.equal(r.body.code, 'VALIDATION_FAILED');
  }
  const listed = (await hl.api<ApiPage<ApiListedToken>>('GET', '/v1/businesses/studio/tokens')).body.data;
  assert.ok(listed.every((t: { expires_at: string | null }) => t.expires_at === null || Date.parse(t.expires_at) > Date.parse('2021-01-01')), 'nothing refused was stored');
});

test('only the admin token issues, lists and revokes; a business token gets 403 in its own business and 404 elsewhere', async () => {
  const mine = (await hl.api<ApiIssuedToken>('POST', '/v1/businesses/studio/tokens', { name: 'staff' })).body;
  const theirs = (await hl.api<ApiIssuedToken>('POST', '/v1/businesses/other/tokens')).body;
  for (const [method, path] of [['POST', '/v1/businesses/studio/tokens'], ['GET', '/v1/businesses/studio/tokens'], ['DELETE', `/v1/businesses/studio/tokens/${mine.id}`]] as const) {
    assert.equal((await hl.api(method, path, undefined, mine.token)).status, 403, `${method} ${path}`);
  }
  assert.equal((await hl.api('DELETE', `/v1/businesses/other/tokens/${theirs.id}`, undefined, mine.token)).status, 404);
  // Another business's token id through this business: not found, and the token still works.
  assert.equal((await hl.api<ApiProblem>('DELETE', `/v1/businesses/studio/tokens/${theirs.id}`)).body.code, 'TOKEN_NOT_FOUND');
  assert.equal((await hl.api('GET', '/v1/businesses/other', undefined, theirs.token)).status, 200);
});

for (const factory of storeFactories) {
  test(`${factory.name}: last_used_at is written at most once a minute per token, not per request`, { skip: factory.skip }, async (t) => {
    const ts = await factory.create();
    t.after(() => ts.dispose());
    const store = ts.store;
    await store.createBusiness({ id: 'b', name: 'B', created_at: 0 });
    await store.createToken({ token_hash: hashToken('hl_biz_0123456789abcdef'), id: 'tok_1', business_id: 'b', name: null, prefix: null, created_at: 0, expires_at: null });
    let now = 1_700_000_000_000;
    const auth = new TokenAuth(store, () => now);
    const lastUsed = async () => (await store.listTokens('b'))[0]!.last_used_at;
    assert.ok((await auth.check('hl_biz_0123456789abcdef')).ok);
    await until('the first use is written', async () => (await lastUsed()) === now);
    const first = now;
    for (let i = 0; i < 50; i++) {
      now += 1000;
      assert.ok((await auth.check('hl_biz_0123456789abcdef')).ok);
    }
    await sleep(50);
    assert.equal(await lastUsed(), first, '50 uses within a minute wrote nothing more');
    now = first + LAST_USED_GRANULARITY_MS;
    assert.ok((await auth.check('hl_biz_0123456789abcdef')).ok);
    await until('a use a minute later is written', async () => (await lastUsed()) === first + LAST_USED_GRANULARITY_MS);
  });

  test(`${factory.name}: a token revoked elsewhere is refused after at most the cache time, a cached one is not looked up on every request`, { skip: factory.skip }, async (t) => {
    const ts = await factory.create();
    t.after(() => ts.dispose());
    const store = ts.store;
    await store.createBusiness({ id: 'b', name: 'B', created_at: 0 });
    await store.createToken({ token_hash: hashToken('hl_biz_revoked-elsewhere'), id: 'tok_r', business_id: 'b', name: null, prefix: null, created_at: 0, expires_at: null });
    let now = 1_700_000_000_000;
    const auth = new TokenAuth(store, () => now);
    assert.ok((await auth.check('hl_biz_revoked-elsewhere')).ok);
    // Another process revokes it: this one's cache does not hear of it.
    assert.equal(await (await ts.openAnother()).deleteToken('b', 'tok_r'), true);
    now += TOKEN_CACHE_MS - 1;
    assert.ok((await auth.check('hl_biz_revoked-elsewhere')).ok, 'still cached');
    now += 1;
    assert.deepEqual(await auth.check('hl_biz_revoked-elsewhere'), { ok: false, expiredAt: null });
    assert.ok(TOKEN_CACHE_MS < 1000, 'issue 12: refused within 1 s everywhere');
  });
}
