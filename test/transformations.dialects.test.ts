import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyWebhook, type DialectName } from '../src/verify/index.js';
import type { ApiProblem, ApiTestEvent } from './helpers/apiShapes.js';
import { until } from './helpers/wait.js';
import { startDialectHarness } from './fixtures/dialectHarness.js';

/**
 * A transformation next to every dialect (issue 16 beside issue 11): one business with a
 * webhook in each, the same code on all; each receiver verifies, in its own dialect, the body
 * the transformation made. Upodi signs inside its body, so it refuses a transformation at save.
 */

const SHAPE = `function handler(request) {
  request.headers['x-shaped'] = request.event.type;
  if (request.body && typeof request.body === 'object' && !Array.isArray(request.body)) request.body.shaped = true;
  return request;
}`;

const EVENTS: Record<string, string> = {
  standard: 'client/created',
  opus1: 'client_create_trigger',
  hapana: 'checkIn',
  wellnessliving: 'client.created',
  vcita: 'client/created',
  svix: 'client.created',
};

test('one transformation on a webhook in every dialect: each request arrives reshaped and verifies in its dialect', async (t) => {
  const h = await startDialectHarness(t);
  const secrets = new Map<string, string>();
  for (const [dialect, event] of Object.entries(EVENTS)) {
    const wh = await h.createWebhook({ dialect, events: [event], url: `${h.rx.url}/${dialect}`, transformation: { code: SHAPE } });
    secrets.set(dialect, wh.secret);
    const sent = await h.hl.api<ApiTestEvent>('POST', `/v1/businesses/${h.business}/webhooks/${wh.id}/test`);
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
  }
  const upodi = await h.hl.api<ApiProblem>('POST', `/v1/businesses/${h.business}/webhooks`, {
    url: `${h.rx.url}/upodi`, dialect: 'upodi', events: ['Customer.create'], transformation: { code: SHAPE },
  });
  assert.equal(upodi.status, 422, JSON.stringify(upodi.body));
  assert.equal(upodi.body.code, 'INVALID_TRANSFORMATION');

  const n = Object.keys(EVENTS).length;
  await until(`${n} requests arrived`, async () => h.rx.received.length >= n);
  const seen = new Set<string>();
  const reshaped: string[] = [];
  for (const req of h.rx.received) {
    const dialect = req.url.slice(1) as DialectName;
    seen.add(dialect);
    assert.ok(req.headers['x-shaped'], `${dialect}: the handler's header arrived`);
    const verified = verifyWebhook(dialect, req.body, req.headers, secrets.get(dialect)!);
    const payload = verified.payload as unknown;
    if (payload && typeof payload === 'object' && !Array.isArray(payload)) {
      assert.equal((payload as { shaped?: unknown }).shaped, true, `${dialect}: signed over the reshaped body`);
      reshaped.push(dialect);
    }
  }
  assert.deepEqual([...seen].sort(), Object.keys(EVENTS).sort());
  // Every dialect here sends a JSON object; none was let off the body check.
  assert.deepEqual(reshaped.sort(), Object.keys(EVENTS).sort());
});
