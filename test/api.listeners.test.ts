import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { newBusiness } from './helpers/businesses.js';
import { until } from './helpers/wait.js';
import { verifyWebhook } from '../src/verify/index.js';
import type { ApiAccepted, ApiDelivery, ApiDeliveryDetail, ApiIssuedToken, ApiListener, ApiPage, ApiProblem } from './helpers/apiShapes.js';

/**
 * The listener routes under `hookline listen` (issue 17 §1), spoken directly: the stream's
 * events, the result report and what the log makes of it, and reports of every shape.
 */

let hl: TestInstance;

before(async () => {
  hl = await startTestHookline({ allowPrivateNetworks: false });
});
after(() => hl.stop());

interface DeliveryEvent {
  attempt_id: string;
  delivery_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  timeout_ms: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A listener's stream, read over node:http so that closing it destroys the socket at once (an
 * aborted fetch can leave its connection to the server half-open, and the server's close then
 * waits out its keep-alive timeout).
 */
async function openStream(b: string, id: string, token = hl.adminToken) {
  const events: { event: string; data: unknown }[] = [];
  const req = httpGet(`${hl.url}/v1/businesses/${b}/listeners/${id}/stream`, { headers: { authorization: `Bearer ${token}` } });
  const res = await new Promise<IncomingMessage>((resolve, reject) => req.once('response', resolve).once('error', reject));
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/event-stream/);
  let buffer = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
  });
  res.on('error', () => {});
  const ended = new Promise<void>((resolve) => res.once('close', () => resolve()));
  return {
    events,
    ended,
    deliveries: () => events.filter((e) => e.event === 'delivery').map((e) => e.data as DeliveryEvent),
    async close() {
      const closed = new Promise((r) => req.socket?.once('close', r) ?? r(null));
      req.destroy();
      await closed;
    },
  };
}

const results = (b: string, id: string) => `/v1/businesses/${b}/listeners/${id}/results`;

async function listenerWithDelivery(eventId: string) {
  const b = await newBusiness(hl.api);
  const l = (await hl.api<ApiListener>('POST', `/v1/businesses/${b}/listeners`, null)).body;
  const stream = await openStream(b, l.id);
  await until('the ready event', async () => stream.events[0]?.event === 'ready');
  await hl.api<ApiAccepted>('POST', `/v1/businesses/${b}/events`, { type: 'client/created', id: eventId, data: { id: eventId } });
  const d = await until('a delivery event', async () => stream.deliveries()[0]);
  return { b, l, stream, d };
}

async function detail(b: string, eventId: string): Promise<ApiDeliveryDetail> {
  const list = await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${b}/deliveries?event_id=${eventId}`);
  return (await hl.api<ApiDeliveryDetail>('GET', `/v1/businesses/${b}/deliveries/${list.body.data[0]!.id}`)).body;
}

test('the stream says who it is, then carries each attempt signed; a report becomes the attempt, once', async () => {
  const { b, l, stream, d } = await listenerWithDelivery('evt-report');
  try {
    assert.deepEqual(stream.events[0]!.data, { ...l });
    assert.deepEqual([l.events, l.dialect], [['*'], 'standard']);
    assert.deepEqual([d.event_id, d.event_type, d.attempt, d.timeout_ms], ['evt-report', 'client/created', 1, 5000]);
    assert.equal(verifyWebhook('standard', d.body, d.headers, l.secret).id, 'evt-report');

    const both = await hl.api<ApiProblem>('POST', results(b, l.id), { attempt_id: d.attempt_id, status_code: 200, error: 'timeout', duration_ms: 3 });
    assert.equal(both.status, 400);
    assert.match(both.body.detail, /either status_code .* or error/);

    const long = 'é'.repeat(3000);
    assert.equal((await hl.api('POST', results(b, l.id), { attempt_id: d.attempt_id, status_code: 201, duration_ms: 7, response_body: long })).status, 204);
    const again = await hl.api<ApiProblem>('POST', results(b, l.id), { attempt_id: d.attempt_id, status_code: 201, duration_ms: 7 });
    assert.equal(again.body.code, 'LISTENER_ATTEMPT_NOT_FOUND');

    const x = await until('the attempt is recorded', async () => {
      const r = await detail(b, 'evt-report');
      return r.status === 'succeeded' ? r : null;
    });
    const a = x.attempts[0]!;
    assert.deepEqual([a.status_code, a.duration_ms, a.error], [201, 7, null]);
    // Kept to 4 KiB like any response, and never half a character.
    assert.equal(a.response_body, 'é'.repeat(2048));
  } finally {
    await stream.close();
  }
});

test('a stream that drops while an attempt waits for its report fails that attempt, to be retried', async () => {
  const { b, stream } = await listenerWithDelivery('evt-dropped');
  await stream.close();
  const x = await until('the attempt is recorded', async () => {
    const r = await detail(b, 'evt-dropped');
    return r.attempts.length === 1 ? r : null;
  });
  assert.equal(x.status, 'retrying');
  assert.equal(x.attempts[0]!.error, 'connection_reset');
});

test('reports of every shape get a 2xx or a 4xx, and only a well-formed one is recorded', async () => {
  const { b, l, stream, d } = await listenerWithDelivery('evt-shapes');
  try {
    const scalar = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 8 }), fc.constantFrom('', '\u0000', '\ud800', 'x'.repeat(70_000), 1e308, -1, 99, 600));
    const field = (valid: unknown) => fc.oneof(fc.constant(valid), scalar, fc.constant([valid]), fc.constant({ v: valid }), fc.constant(undefined));
    const body = fc.record(
      { attempt_id: field('not-waiting'), status_code: field(200), error: field('timeout'), duration_ms: field(5), response_body: field('ok'), extra: fc.constant(undefined) },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(body, scalar, fc.array(scalar, { maxLength: 3 })), async (value) => {
        const res = await hl.api<ApiProblem>('POST', results(b, l.id), value);
        assert.ok(res.status === 400 || res.status === 404 || res.status === 415, `${JSON.stringify(value)?.slice(0, 200)} answered ${res.status}`);
      }),
      { numRuns: 150 },
    );
    // None of that touched the waiting attempt; the real report still lands.
    assert.equal((await hl.api('POST', results(b, l.id), { attempt_id: d.attempt_id, status_code: null, error: 'connection_refused', duration_ms: 1 })).status, 204);
    const x = await until('the attempt is recorded', async () => {
      const r = await detail(b, 'evt-shapes');
      return r.attempts.length === 1 ? r : null;
    });
    assert.deepEqual([x.status, x.attempts[0]!.error, x.attempts[0]!.status_code], ['retrying', 'connection_refused', null]);
  } finally {
    await stream.close();
  }
});

test('a listener removed or re-pointed through the webhook routes closes its stream', async () => {
  for (const change of ['remove', 'repoint'] as const) {
    const b = await newBusiness(hl.api);
    const l = (await hl.api<ApiListener>('POST', `/v1/businesses/${b}/listeners`, null)).body;
    const stream = await openStream(b, l.id);
    await until('the ready event', async () => stream.events[0]?.event === 'ready');
    const res =
      change === 'remove'
        ? await hl.api('DELETE', `/v1/businesses/${b}/webhooks/${l.id}`)
        : await hl.api('PATCH', `/v1/businesses/${b}/webhooks/${l.id}`, { url: 'https://example.com/h' });
    assert.ok(res.status === 204 || res.status === 200, `${change}: ${res.status}`);
    await stream.ended;
    const again = await hl.api<ApiProblem>('GET', `/v1/businesses/${b}/listeners/${l.id}/stream`);
    assert.equal(again.body.code, 'LISTENER_NOT_FOUND', change);
  }
});

test('journey: a token opens a listener stream, is revoked, and the stream ends at once; the token cannot open it again', async () => {
  const b = await newBusiness(hl.api);
  const issued = (await hl.api<ApiIssuedToken>('POST', `/v1/businesses/${b}/tokens`, { name: 'laptop' })).body;
  const asStaff = (method: string, path: string, body?: unknown) => hl.api<ApiListener & ApiProblem>(method, path, body, issued.token);
  const l = (await asStaff('POST', `/v1/businesses/${b}/listeners`, null)).body;
  const stream = await openStream(b, l.id, issued.token);
  await until('the ready event', async () => stream.events[0]?.event === 'ready');
  // Another business's token revoked meanwhile leaves this stream alone.
  const other = await newBusiness(hl.api);
  const otherToken = (await hl.api<ApiIssuedToken>('POST', `/v1/businesses/${other}/tokens`, {})).body;
  assert.equal((await hl.api('DELETE', `/v1/businesses/${other}/tokens/${otherToken.id}`)).status, 204);
  let ended = false;
  void stream.ended.then(() => (ended = true));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(ended, false, 'a stream whose own token is still valid stays open');

  const revokedAt = Date.now();
  assert.equal((await hl.api('DELETE', `/v1/businesses/${b}/tokens/${issued.id}`)).status, 204);
  const within = await Promise.race([stream.ended.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
  if (!within) await stream.close();
  assert.ok(within, 'the stream was still open 5 s after its token was revoked');
  assert.ok(Date.now() - revokedAt < 5000);
  const again = await asStaff('GET', `/v1/businesses/${b}/listeners/${l.id}/stream`);
  assert.equal(again.status, 401);
  assert.equal(again.body.code, 'UNAUTHORIZED');
});

test('stopping the server with a stream open closes the stream instead of waiting on it', async () => {
  const own = await startTestHookline({ allowPrivateNetworks: false, threads: false });
  const b = await newBusiness(own.api);
  const l = (await own.api<ApiListener>('POST', `/v1/businesses/${b}/listeners`, { events: ['client/*'] })).body;
  const res = await fetch(`${own.url}/v1/businesses/${b}/listeners/${l.id}/stream`, { headers: { authorization: `Bearer ${own.adminToken}` } });
  const ended = res.text();
  await own.stop();
  assert.match(await ended, /^event: ready\n/);
});
