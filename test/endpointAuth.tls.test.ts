import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { startReceiver } from './helpers/receiver.js';
import { newBusiness } from './helpers/businesses.js';
import { until } from './helpers/wait.js';
import { createTestPki, type TestPki } from './helpers/testPki.js';
import type { ApiDeliveryDetail, ApiProblem, ApiWebhook } from './helpers/apiShapes.js';

/**
 * Mutual TLS and private CAs (issue 18): an HTTPS receiver whose certificate comes from a CA
 * made in this test with openssl, which requires a client certificate from the same CA.
 */

let pki: TestPki;
let hl: TestInstance;
let server: Server;
let url: string;
/** The subject CN of each client certificate the receiver accepted. */
const clients: string[] = [];

before(async () => {
  pki = createTestPki();
  const serverCert = pki.issue('receiver', { server: true });
  server = createServer({ cert: serverCert.cert, key: serverCert.key, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    clients.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN));
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hl = await startTestHookline();
});
after(async () => {
  await hl.stop();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  pki.remove();
});

async function firstAttempt(b: string, webhookId: string): Promise<ApiDeliveryDetail['attempts'][number]> {
  await hl.api('POST', `/v1/businesses/${b}/webhooks/${webhookId}/test`);
  return until('an attempt is recorded', async () => {
    const list = await hl.api<{ data: ApiDeliveryDetail[] }>('GET', `/v1/businesses/${b}/deliveries?webhook_id=${webhookId}`);
    const d = list.body.data[0];
    if (!d || d.attempt_count === 0) return null;
    return (await hl.api<ApiDeliveryDetail>('GET', `/v1/businesses/${b}/deliveries/${d.id}`)).body.attempts[0];
  });
}

const create = (b: string, body: Record<string, unknown>) =>
  hl.api<ApiWebhook & ApiProblem>('POST', `/v1/businesses/${b}/webhooks`, { url, events: ['webhook/test'], retry_schedule: [], ...body });

test('with its client certificate and the private CA, the webhook is delivered over mutual TLS; the key is never shown', async () => {
  const b = await newBusiness(hl.api);
  const client = pki.issue('hookline-client');
  const r = await create(b, { tls: { client_cert: client.cert, client_key: client.key, ca: pki.ca.cert } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.tls?.client_key, '[redacted]');
  const expires = Date.parse(r.body.tls?.client_cert_expires_at ?? '');
  assert.ok(Math.abs(expires - (Date.now() + 30 * 86_400_000)) < 2 * 86_400_000, 'expiry shown, about 30 days out');
  const attempt = await firstAttempt(b, r.body.id);
  assert.equal(attempt.status_code, 200, JSON.stringify(attempt));
  assert.ok(clients.includes('hookline-client'));
});

test('without a client certificate the receiver refuses the handshake; without the CA the server is not trusted', async () => {
  const b = await newBusiness(hl.api);
  const caOnly = await create(b, { tls: { ca: pki.ca.cert } });
  assert.equal(caOnly.status, 201);
  const refused = await firstAttempt(b, caOnly.body.id);
  assert.equal(refused.status_code, null);
  assert.ok(['tls', 'connection_reset'].includes(refused.error ?? ''), `refused for lack of a client certificate: ${refused.error}`);

  const client = pki.issue('untrusting');
  const noCa = await create(b, { tls: { client_cert: client.cert, client_key: client.key } });
  assert.equal(noCa.status, 201);
  const untrusted = await firstAttempt(b, noCa.body.id);
  assert.equal(untrusted.error, 'tls', 'a private CA is trusted only by the webhook that names it');
});

test('certificates are checked when saved, with a 422 that says what is wrong', async () => {
  const b = await newBusiness(hl.api);
  const one = pki.issue('one');
  const other = pki.issue('other');
  const expired = pki.issue('expired', { days: -1 });
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['key of another certificate', { client_cert: one.cert, client_key: other.key }, /does not belong to client_cert/],
    ['expired', { client_cert: expired.cert, client_key: expired.key }, /expired on/],
    ['not PEM', { client_cert: 'hello', client_key: one.key }, /no PEM certificate/],
    ['broken PEM', { client_cert: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', client_key: one.key }, /does not parse/],
    ['key not PEM', { client_cert: one.cert, client_key: 'nope' }, /does not parse as a PEM private key/],
    ['cert without key', { client_cert: one.cert }, /needs its client_key/],
    ['empty', {}, /give client_cert with client_key/],
    ['CA not PEM', { ca: 'not a certificate' }, /ca holds no PEM certificate/],
  ];
  for (const [what, tls, detail] of cases) {
    const r = await create(b, { tls });
    assert.equal(r.status, 422, what);
    assert.equal(r.body.code, 'INVALID_TLS', what);
    assert.match(r.body.detail, detail, what);
  }
});

test('a certificate that expires within 14 days raises hookline/certificate.expiring once', async () => {
  const b = await newBusiness(hl.api);
  const ops = await startReceiver();
  try {
    const sub = await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, { url: ops.url, events: ['hookline/certificate.expiring'] });
    assert.equal(sub.status, 201);
    const soon = pki.issue('soon', { days: 5 });
    const r = await create(b, { tls: { client_cert: soon.cert, client_key: soon.key, ca: pki.ca.cert } });
    assert.equal(r.status, 201);
    await ops.waitFor(1);
    const body = JSON.parse(ops.received[0]!.body) as { type: string; data: { webhook_id: string; days_left: number; expires_at: string } };
    assert.equal(body.type, 'hookline/certificate.expiring');
    assert.equal(body.data.webhook_id, r.body.id);
    assert.ok(body.data.days_left >= 4 && body.data.days_left <= 5, String(body.data.days_left));
    // Saved again with the same certificate: already announced, so nothing new.
    await hl.api('PATCH', `/v1/businesses/${b}/webhooks/${r.body.id}`, { tls: { client_cert: soon.cert, client_key: '[redacted]', ca: pki.ca.cert }, name: 'same cert' });
    await hl.api('POST', `/v1/businesses/${b}/webhooks/${sub.body.id}/test`);
    await ops.waitFor(2);
    assert.deepEqual(ops.received.map((x) => (JSON.parse(x.body) as { type: string }).type), ['hookline/certificate.expiring', 'webhook/test']);
  } finally {
    await ops.close();
  }
});
