import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { startReceiver } from './helpers/receiver.js';
import { newBusiness } from './helpers/businesses.js';
import { until, sleep } from './helpers/wait.js';
import type { ApiAccepted, ApiDeliveryDetail, ApiWebhook } from './helpers/apiShapes.js';

/**
 * Endpoint auth (issue 18): a real OAuth2 token endpoint (client-credentials grant) and a real
 * receiver on loopback that accepts only the token the endpoint issued last.
 */

interface TokenRequest {
  authorization: string | undefined;
  contentType: string | undefined;
  form: URLSearchParams;
}

async function startTokenServer() {
  const requests: TokenRequest[] = [];
  let answer: (n: number, res: ServerResponse) => void = (n, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ access_token: `tok-${n}`, token_type: 'Bearer', expires_in: 3600 }));
  };
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ authorization: req.headers.authorization, contentType: req.headers['content-type'], form: new URLSearchParams(body) });
      answer(requests.length, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`,
    requests,
    setAnswer(a: typeof answer) {
      answer = a;
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

let hl: TestInstance;
let tokens: Awaited<ReturnType<typeof startTokenServer>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
/** The token the receiver accepts; anything else gets 401. */
let valid = 'tok-1';

before(async () => {
  hl = await startTestHookline({ encryptionKey: Buffer.alloc(32, 7).toString('base64') });
  tokens = await startTokenServer();
  receiver = await startReceiver((r, res) => {
    res.statusCode = r.headers.authorization === `Bearer ${valid}` ? 200 : 401;
    res.end();
  });
});
after(async () => {
  await hl.stop();
  await tokens.close();
  await receiver.close();
});

async function oauthWebhook(b: string, extra: Record<string, unknown> = {}): Promise<ApiWebhook> {
  const r = await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, {
    url: `${receiver.url}/${b}`,
    events: ['client/created'],
    retry_schedule: [1],
    auth: { type: 'oauth2_client_credentials', token_url: tokens.url, client_id: 'hookline client', client_secret: 's3cret:with/odd+chars', scope: 'hooks.write', audience: 'https://api.example', extra_params: { resource: 'crm' }, ...extra },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

const publish = (b: string, n: number) =>
  Promise.all(Array.from({ length: n }, (_, i) => hl.api<ApiAccepted>('POST', `/v1/businesses/${b}/events`, { type: 'client/created', data: { id: i + 1, name: `c${i}` } })));

const delivered = (b: string) => receiver.received.filter((r) => r.url === `/${b}`);

test('one token request serves many deliveries; the token request is a client-credentials grant with the secret in Basic auth', async () => {
  const b = await newBusiness(hl.api);
  const before = tokens.requests.length;
  valid = `tok-${before + 1}`;
  const w = await oauthWebhook(b);
  assert.deepEqual(w.auth, { type: 'oauth2_client_credentials', token_url: tokens.url, client_id: 'hookline client', client_secret: '[redacted]', scope: 'hooks.write', audience: 'https://api.example', extra_params: { resource: 'crm' } });
  await publish(b, 20);
  await until('20 deliveries with the bearer token', async () => delivered(b).filter((r) => r.headers.authorization === `Bearer ${valid}`).length >= 20);
  assert.equal(tokens.requests.length - before, 1, 'one token request for 20 deliveries');
  const t = tokens.requests.at(-1)!;
  assert.equal(t.contentType, 'application/x-www-form-urlencoded');
  assert.equal(t.form.get('grant_type'), 'client_credentials');
  assert.equal(t.form.get('scope'), 'hooks.write');
  assert.equal(t.form.get('audience'), 'https://api.example');
  assert.equal(t.form.get('resource'), 'crm');
  const [id, secret] = Buffer.from(t.authorization!.replace(/^Basic /, ''), 'base64').toString().split(':').map(decodeURIComponent);
  assert.deepEqual([id, secret], ['hookline client', 's3cret:with/odd+chars']);
  // The secret is stored sealed and never returned.
  const read = await hl.api<ApiWebhook>('GET', `/v1/businesses/${b}/webhooks/${w.id}`);
  assert.ok(!JSON.stringify(read.body).includes('s3cret'));
});

test('a 401 from the endpoint fetches a new token once and retries at once, within the same attempt', async () => {
  const b = await newBusiness(hl.api);
  const w = await oauthWebhook(b, { scope: 'rotation' });
  valid = `tok-${tokens.requests.length + 1}`;
  await publish(b, 1);
  await until('first delivery', async () => delivered(b).length >= 1);
  // The authorization server rotates: the cached token is refused from now on.
  valid = `tok-${tokens.requests.length + 1}`;
  const [accepted] = await publish(b, 1);
  await until('the retried request', async () => delivered(b).some((r) => r.headers.authorization === `Bearer ${valid}`));
  const list = await until('delivery succeeded', async () => {
    const r = await hl.api<{ data: ApiDeliveryDetail[] }>('GET', `/v1/businesses/${b}/deliveries?event_id=${accepted!.body.id}`);
    return r.body.data[0]?.status === 'succeeded' ? r.body.data[0] : null;
  });
  const detail = await hl.api<ApiDeliveryDetail>('GET', `/v1/businesses/${b}/deliveries/${list.id}`);
  assert.equal(detail.body.attempts.length, 1, 'refused and retried inside one attempt');
  assert.equal(detail.body.attempts[0]!.status_code, 200);
  assert.equal(delivered(b).length, 3, 'first event, the refused request, the retried one');
  assert.equal(w.verification_state, 'not_required');
});

test('an expired token is fetched again: cached only until shortly before expires_in', async () => {
  const b = await newBusiness(hl.api);
  tokens.setAnswer((n, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ access_token: `tok-${n}`, token_type: 'bearer', expires_in: 1 }));
  });
  try {
    await oauthWebhook(b, { scope: 'short-lived' });
    const before = tokens.requests.length;
    valid = `tok-${before + 1}`;
    await publish(b, 1);
    await until('first delivery', async () => delivered(b).length >= 1);
    // Let the one-second token run out (it is refreshed a tenth of its life early).
    await sleep(1000);
    valid = `tok-${before + 2}`;
    await publish(b, 1);
    await until('second delivery with a new token', async () => delivered(b).some((r) => r.headers.authorization === `Bearer ${valid}`));
    assert.equal(tokens.requests.length - before, 2);
    assert.ok(delivered(b).every((r) => r.headers.authorization !== undefined));
    assert.equal(delivered(b).filter((r) => r.headers.authorization === `Bearer tok-${before + 1}`).length, 1, 'no 401 round: the old token was not sent again');
  } finally {
    tokens.setAnswer((n, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ access_token: `tok-${n}`, token_type: 'Bearer', expires_in: 3600 }));
    });
  }
});

test('a failing token endpoint ends the attempt as auth_failed with its status, never the secret; the retry recovers', async () => {
  const b = await newBusiness(hl.api);
  tokens.setAnswer((_n, res) => {
    res.statusCode = 503;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ error: 'temporarily_unavailable', error_description: 'echo s3cret:with/odd+chars' }));
  });
  await oauthWebhook(b, { scope: 'failing' });
  const [accepted] = await publish(b, 1);
  const first = await until('the first attempt recorded', async () => {
    const r = await hl.api<{ data: ApiDeliveryDetail[] }>('GET', `/v1/businesses/${b}/deliveries?event_id=${accepted!.body.id}`);
    const d = r.body.data[0];
    if (!d || d.attempt_count < 1) return null;
    return (await hl.api<ApiDeliveryDetail>('GET', `/v1/businesses/${b}/deliveries/${d.id}`)).body;
  });
  const attempt = first.attempts[0]!;
  assert.equal(attempt.error, 'auth_failed');
  assert.equal(attempt.status_code, null);
  assert.match(attempt.response_body ?? '', /token endpoint answered HTTP 503 \(temporarily_unavailable\)/);
  assert.ok(!(attempt.response_body ?? '').includes('s3cret'), 'nothing of the secret in the attempt');
  assert.equal(delivered(b).length, 0, 'nothing sent without a token');
  // The endpoint recovers; the scheduled retry (1 s) gets a token and delivers.
  valid = `tok-${tokens.requests.length + 1}`;
  tokens.setAnswer((n, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ access_token: `tok-${n}`, token_type: 'Bearer', expires_in: 3600 }));
  });
  await until('delivered after recovery', async () => delivered(b).some((r) => r.headers.authorization === `Bearer ${valid}`));
});

test('basic and bearer auth send their Authorization header; a custom Authorization header beside auth is refused', async () => {
  const b = await newBusiness(hl.api);
  const seen = await startReceiver();
  try {
    const basic = await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, { url: `${seen.url}/basic`, events: ['client/created'], auth: { type: 'basic', username: 'hook', password: 'pa ss' } });
    assert.equal(basic.status, 201);
    assert.deepEqual(basic.body.auth, { type: 'basic', username: 'hook', password: '[redacted]' });
    const bearer = await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, { url: `${seen.url}/bearer`, events: ['client/created'], auth: { type: 'bearer', token: 'opaque-123' } });
    assert.equal(bearer.status, 201);
    await publish(b, 1);
    await seen.waitFor(2);
    const by = (p: string) => seen.received.find((r) => r.url === p)!.headers.authorization;
    assert.equal(by('/basic'), `Basic ${Buffer.from('hook:pa ss').toString('base64')}`);
    assert.equal(by('/bearer'), 'Bearer opaque-123');
    // Written back as read, the redacted password keeps the stored one.
    const patched = await hl.api<ApiWebhook>('PATCH', `/v1/businesses/${b}/webhooks/${basic.body.id}`, { auth: basic.body.auth, name: 'renamed' });
    assert.equal(patched.status, 200);
    const clash = await hl.api<{ code: string; detail: string }>('PATCH', `/v1/businesses/${b}/webhooks/${bearer.body.id}`, { headers: { Authorization: 'Bearer other' } });
    assert.equal(clash.status, 422);
    assert.equal(clash.body.code, 'INVALID_ENDPOINT_AUTH');
    assert.match(clash.body.detail, /Authorization header/);
  } finally {
    await seen.close();
  }
});
