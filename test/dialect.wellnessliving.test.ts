import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { verifyWebhook } from '../src/verify/index.js';
import { startDialectHarness } from './fixtures/dialectHarness.js';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

test('wellnessliving: 202 and 204 are retried until a 200; topic, signature, generated-at and payload key hold across attempts', async (t) => {
  const answers = [202, 204, 200];
  let calls = 0;
  const h = await startDialectHarness(t, (_req, res) => {
    res.statusCode = answers[Math.min(calls++, answers.length - 1)]!;
    res.end();
  });
  const wh = await h.createWebhook({ dialect: 'wellnessliving', events: ['client.created', 'purchase.refunded'], retry_schedule: [0, 0, 0] });
  assert.deepEqual(wh.events, ['client/created', 'purchase/refunded']);

  const client = { uid: '1039', s_first_name: 'Maya', s_last_name: 'Okafor', s_mail: 'maya@example.com', dt_add: '2025-04-12 17:45:03' };
  const event = await h.publish('client/created', client, { occurred_at: '2025-04-14T06:58:12.123Z' });
  await h.rx.waitFor(3);
  const attempts = h.rx.received;

  for (const req of attempts) {
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['x-topic'], 'client.created');
    assert.equal(req.headers['x-signature-256'], createHmac('sha256', wh.secret).update(req.body).digest('hex'));
    assert.equal(req.headers['x-payload-key'], createHash('sha256').update(req.body).digest('hex'));
    assert.equal(req.headers['x-generated-at'], '2025-04-14T06:58:12.123Z');
    assert.match(String(req.headers['x-sent-at']), ISO_MS);
    assert.deepEqual(JSON.parse(req.body), {
      ...client,
      meta_data: {
        id: event.id,
        business_id: h.business,
        date: '2025-04-14T06:58:12.123Z',
        topic: 'client.created',
        operation: 'created',
        source: 'client',
        version: 1,
      },
    });
  }
  const sentAt = attempts.map((r) => Date.parse(String(r.headers['x-sent-at'])));
  assert.ok(sentAt[0]! <= sentAt[1]! && sentAt[1]! <= sentAt[2]!, 'x-sent-at is the time of each attempt');
  assert.ok(sentAt[2]! > Date.parse('2025-04-14T06:58:12.123Z'));

  const delivery = await h.deliveryOf(event.id, 'succeeded');
  assert.deepEqual(delivery.attempts.map((a) => a.status_code), [202, 204, 200]);
  const verified = verifyWebhook('wellnessliving', attempts[2]!.body, attempts[2]!.headers, wh.secret);
  assert.equal(verified.id, attempts[0]!.headers['x-payload-key']);
  assert.equal(verified.event, 'client.created');
});

test('wellnessliving: 201 Created counts as delivered', async (t) => {
  const h = await startDialectHarness(t, (_req, res) => {
    res.statusCode = 201;
    res.end();
  });
  await h.createWebhook({ dialect: 'wellnessliving', events: ['appointment.created'], retry_schedule: [0] });
  const event = await h.publish('meeting/created', { id: '50318', start_time: '2025-05-06T15:00:00Z' });
  const delivery = await h.deliveryOf(event.id, 'succeeded');
  assert.equal(delivery.attempt_count, 1);
  assert.equal(h.rx.received[0]!.headers['x-topic'], 'appointment.created');
  assert.equal(JSON.parse(h.rx.received[0]!.body).meta_data.source, 'appointment');
});
