import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { startReceiver } from './helpers/receiver.js';
import { newBusiness } from './helpers/businesses.js';
import { until } from './helpers/wait.js';
import { startConnectProxy } from './helpers/connectProxy.js';
import { createSender } from '../src/dispatch/httpSender.js';
import { loadConfig } from '../src/config.js';
import { bypassesProxy } from '../src/dispatch/egressConnector.js';
import type { ApiWebhook } from './helpers/apiShapes.js';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createTestPki } from './helpers/testPki.js';

/** HOOKLINE_EGRESS_PROXY (issue 18): a real CONNECT proxy on loopback between Hookline and its receivers. */

let proxy: Awaited<ReturnType<typeof startConnectProxy>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let tokenEndpoint: Awaited<ReturnType<typeof startReceiver>>;
let hl: TestInstance;

before(async () => {
  proxy = await startConnectProxy();
  receiver = await startReceiver();
  tokenEndpoint = await startReceiver((_r, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ access_token: 'via-proxy', token_type: 'Bearer', expires_in: 3600 }));
  });
  hl = await startTestHookline({ egressProxy: proxy.url });
});
after(async () => {
  await hl.stop();
  await proxy.close();
  await receiver.close();
  await tokenEndpoint.close();
});

test('with HOOKLINE_EGRESS_PROXY every attempt and every token request goes through the proxy', async () => {
  const b = await newBusiness(hl.api);
  const w = await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, {
    url: `${receiver.url}/proxied`,
    events: ['client/created'],
    auth: { type: 'oauth2_client_credentials', token_url: `${tokenEndpoint.url}/token`, client_id: 'c', client_secret: 's' },
  });
  assert.equal(w.status, 201);
  for (let i = 0; i < 5; i++) await hl.api('POST', `/v1/businesses/${b}/events`, { type: 'client/created', data: { id: i + 1, name: 'x' } });
  await receiver.waitFor(5);
  assert.ok(receiver.received.every((r) => r.headers.authorization === 'Bearer via-proxy'));
  const receiverAuthority = new URL(receiver.url).host;
  const tokenAuthority = new URL(tokenEndpoint.url).host;
  assert.ok(proxy.connects.includes(receiverAuthority), `the proxy tunnelled to the receiver: ${proxy.connects.join(', ')}`);
  assert.ok(proxy.connects.includes(tokenAuthority), 'the token request went through the proxy too');
  assert.deepEqual([...new Set(proxy.connects)].sort(), [receiverAuthority, tokenAuthority].sort(), 'nothing went around it');
});

test('HOOKLINE_EGRESS_NO_PROXY hosts are reached directly', async () => {
  const direct = await startTestHookline({ egressProxy: proxy.url, egressNoProxy: '127.0.0.1' });
  const seen = await startReceiver();
  try {
    const b = await newBusiness(direct.api);
    const before = proxy.connects.length;
    await direct.api('POST', `/v1/businesses/${b}/webhooks`, { url: seen.url, events: ['client/created'] });
    await direct.api('POST', `/v1/businesses/${b}/events`, { type: 'client/created', data: { id: 1, name: 'x' } });
    await seen.waitFor(1);
    assert.equal(proxy.connects.length, before, 'the delivery did not ask the proxy');
  } finally {
    await direct.stop();
    await seen.close();
  }
});

test('through the proxy the SSRF guard still checks the final target, and the proxy is never asked for it', async () => {
  const sender = createSender({ allowPrivateNetworks: false, userAgent: 'Hookline/test', egress: { egressProxy: proxy.url, egressNoProxy: [] } });
  try {
    const before = proxy.connects.length;
    // localhost resolves to loopback: refused after resolution, before any tunnel is asked for.
    const r = await sender.send({ url: `http://localhost:${new URL(receiver.url).port}/x`, body: '{}', headers: {}, timeoutMs: 2000 });
    assert.equal(r.error, 'blocked_target');
    assert.equal(proxy.connects.length, before);
  } finally {
    await sender.close();
  }
});

test('a proxy that refuses the tunnel ends the attempt as proxy', async () => {
  const refusing = await startConnectProxy({ refuse: 403 });
  const sender = createSender({ allowPrivateNetworks: true, userAgent: 'Hookline/test', egress: { egressProxy: refusing.url, egressNoProxy: [] } });
  try {
    const r = await sender.send({ url: `${receiver.url}/refused`, body: '{}', headers: {}, timeoutMs: 2000 });
    assert.equal(r.error, 'proxy');
    await until('the proxy saw the request', async () => refusing.connects.length === 1);
  } finally {
    await sender.close();
    await refusing.close();
  }
});

test('mutual TLS runs inside the tunnel: the proxy only relays, the receiver sees the client certificate', async () => {
  const pki = createTestPki();
  const serverCert = pki.issue('receiver', { server: true });
  const client = pki.issue('tunnelled-client');
  const seen: string[] = [];
  const server = createHttpsServer({ cert: serverCert.cert, key: serverCert.key, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    seen.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN));
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const sender = createSender({ allowPrivateNetworks: true, userAgent: 'Hookline/test', egress: { egressProxy: proxy.url, egressNoProxy: [] } });
  try {
    const r = await sender.send({ url: `https://127.0.0.1:${port}/in`, body: '{}', headers: {}, timeoutMs: 5000, tls: { client_cert: client.cert, client_key: client.key, ca: pki.ca.cert } });
    assert.equal(r.statusCode, 200, JSON.stringify(r));
    assert.deepEqual(seen, ['tunnelled-client']);
    assert.ok(proxy.connects.includes(`127.0.0.1:${port}`));
  } finally {
    await sender.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    pki.remove();
  }
});

test('HOOKLINE_EGRESS_PROXY takes an http:// proxy URL and never echoes it; NO_PROXY entries cover subdomains and ports', () => {
  assert.equal(loadConfig({ HOOKLINE_EGRESS_PROXY: 'http://u:p%40ss@proxy.internal:3128' }).egressProxy, 'http://u:p%40ss@proxy.internal:3128');
  for (const bad of ['https://proxy.internal:3128', 'socks5://proxy:1080', 'proxy.internal:3128', 'http://u:hunter2@proxy/path']) {
    assert.throws(() => loadConfig({ HOOKLINE_EGRESS_PROXY: bad }), (err: Error) => /HOOKLINE_EGRESS_PROXY/.test(err.message) && !err.message.includes('hunter2'), bad);
  }
  const noProxy = loadConfig({ HOOKLINE_EGRESS_NO_PROXY: 'internal.example, .corp.example,10.0.0.5:8443' }).egressNoProxy;
  assert.deepEqual(noProxy, ['internal.example', 'corp.example', '10.0.0.5:8443']);
  assert.equal(bypassesProxy('api.internal.example', '443', noProxy), true);
  assert.equal(bypassesProxy('internal.example', '80', noProxy), true);
  assert.equal(bypassesProxy('notinternal.example', '443', noProxy), false);
  assert.equal(bypassesProxy('10.0.0.5', '8443', noProxy), true);
  assert.equal(bypassesProxy('10.0.0.5', '443', noProxy), false);
  assert.equal(bypassesProxy('anything', '1', ['*']), true);
  assert.throws(() => loadConfig({ HOOKLINE_EGRESS_NO_PROXY: 'bad host!' }), /HOOKLINE_EGRESS_NO_PROXY/);
});
