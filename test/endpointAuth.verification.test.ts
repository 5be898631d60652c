import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { startReceiver, type Received } from './helpers/receiver.js';
import { newBusiness } from './helpers/businesses.js';
import { until } from './helpers/wait.js';
import { afterClaimLoopTurn } from './helpers/claimLoopTurn.js';
import { answerChallenge, verifyWebhook } from '../src/verify/index.js';
import type { ApiDelivery, ApiWebhook } from './helpers/apiShapes.js';

/**
 * Ownership verification (issue 18), as a business lives it: a webhook whose receiver does not
 * answer the challenge yet holds its events; once the receiver answers with `hookline/verify`,
 * they arrive, in order, with the endpoint's auth.
 */

let hl: TestInstance;
before(async () => {
  hl = await startTestHookline();
});
after(() => hl.stop());

const isChallenge = (r: Received) => (JSON.parse(r.body) as { type: string }).type === 'webhook/verification';

test('journey: events wait while the URL is unverified, a wrong echo keeps it pending, the answer releases them in order', async () => {
  const b = await newBusiness(hl.api);
  let secret = '';
  let answering = false;
  const receiver = await startReceiver((r, res) => {
    const answer = answering ? answerChallenge(r.body, r.headers, secret) : null;
    if (answer) {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify(answer));
    }
    res.end(isChallenge(r) ? JSON.stringify({ challenge: 'not the one sent' }) : 'ok');
  });
  try {
    const created = await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, {
      url: `${receiver.url}/hooks`,
      events: ['client/created'],
      ordering: 'fifo',
      verification: 'challenge',
      auth: { type: 'bearer', token: 'gateway-token' },
    });
    assert.equal(created.status, 201);
    secret = created.body.secret;
    assert.equal(created.body.verification, 'challenge');
    assert.equal(created.body.verification_state, 'pending_verification');

    // The challenge goes out at once, signed (Standard Webhooks) and with the endpoint's auth; the wrong echo is recorded.
    await receiver.waitFor(1);
    const challenge = receiver.received[0]!;
    assert.equal(challenge.headers.authorization, 'Bearer gateway-token');
    const verified = verifyWebhook<{ type: string; data: { challenge: string; webhook_id: string } }>('standard', challenge.body, challenge.headers, secret);
    assert.equal(verified.payload.type, 'webhook/verification');
    assert.equal(verified.payload.data.webhook_id, created.body.id);
    assert.match(verified.payload.data.challenge, /^[A-Za-z0-9_-]{32}$/);
    const pending = await until('the wrong echo recorded', async () => {
      const r = await hl.api<ApiWebhook>('GET', `/v1/businesses/${b}/webhooks/${created.body.id}`);
      return r.body.verification_error ? r.body : null;
    });
    assert.equal(pending.verification_state, 'pending_verification');
    assert.match(pending.verification_error!, /without echoing the challenge/);

    // Events published now are accepted and held.
    for (let i = 1; i <= 3; i++) {
      const r = await hl.api('POST', `/v1/businesses/${b}/events`, { type: 'client/created', data: { id: i, name: `client ${i}` } });
      assert.equal(r.status, 202);
    }
    await afterClaimLoopTurn(hl.api, b);
    const held = await hl.api<{ data: ApiDelivery[] }>('GET', `/v1/businesses/${b}/deliveries?webhook_id=${created.body.id}`);
    assert.equal(held.body.data.length, 3);
    assert.ok(held.body.data.every((d) => d.status === 'pending' && d.attempt_count === 0), 'held, not attempted');
    assert.ok(receiver.received.every(isChallenge), 'the receiver saw only challenges');

    // The receiver learns to answer; asked again, Hookline verifies the URL and releases the events in order.
    answering = true;
    const again = await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks/${created.body.id}/verify`);
    assert.equal(again.status, 200);
    assert.equal(again.body.verification_state, 'verified');
    assert.equal(again.body.verification_error, null);
    await until('three events delivered', async () => receiver.received.filter((r) => !isChallenge(r)).length >= 3);
    const events = receiver.received.filter((r) => !isChallenge(r));
    assert.deepEqual(events.map((r) => (JSON.parse(r.body) as { data: { id: number } }).data.id), [1, 2, 3]);
    assert.ok(events.every((r) => r.headers.authorization === 'Bearer gateway-token'));

    // A new URL must be verified again before it receives anything; this one answers at once.
    const moved = await hl.api<ApiWebhook>('PATCH', `/v1/businesses/${b}/webhooks/${created.body.id}`, { url: `${receiver.url}/moved` });
    assert.equal(moved.body.verification_state, 'pending_verification');
    await until('the new URL verified', async () => {
      const r = await hl.api<ApiWebhook>('GET', `/v1/businesses/${b}/webhooks/${created.body.id}`);
      return r.body.verification_state === 'verified';
    });
    assert.ok(receiver.received.some((r) => r.url === '/moved' && isChallenge(r)));
  } finally {
    await receiver.close();
  }
});

test('turning verification off releases what it held', async () => {
  const b = await newBusiness(hl.api);
  const receiver = await startReceiver((r, res) => res.end(isChallenge(r) ? 'no' : 'ok'));
  try {
    const w = await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, { url: receiver.url, events: ['client/created'], verification: 'challenge' });
    await hl.api('POST', `/v1/businesses/${b}/events`, { type: 'client/created', data: { id: 1, name: 'held' } });
    await afterClaimLoopTurn(hl.api, b);
    assert.equal(receiver.received.filter((r) => !isChallenge(r)).length, 0);
    const off = await hl.api<ApiWebhook>('PATCH', `/v1/businesses/${b}/webhooks/${w.body.id}`, { verification: 'none' });
    assert.equal(off.body.verification_state, 'not_required');
    await until('the held event delivered', async () => receiver.received.some((r) => !isChallenge(r)));
  } finally {
    await receiver.close();
  }
});

test('answerChallenge leaves other requests to the caller and refuses a forged challenge', () => {
  const secret = 'whsec_' + Buffer.alloc(32, 1).toString('base64');
  assert.equal(answerChallenge('{"type":"client/created","data":{}}', {}, secret), null);
  assert.throws(
    () => answerChallenge('{"type":"webhook/verification","data":{"challenge":"x"}}', { 'webhook-id': 'vrf_1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' }, secret),
    (err: Error & { code?: string }) => err.code === 'bad_signature',
  );
});
