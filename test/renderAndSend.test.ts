import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderAndSend } from '../src/dispatch/renderAndSend.js';
import { createSender } from '../src/dispatch/httpSender.js';
import type { DispatchItem, WebhookRow } from '../src/store/Store.js';
import { startReceiver } from './helpers/receiver.js';

/*
 * Issue 11: what a dialect cannot render ends that one attempt with its own code and a
 * reason, before anything is sent. A real sender and a real receiver show nothing left.
 */

const NOW = Date.now();

function webhook(dialect: string, url: string): WebhookRow {
  return {
    id: 'wh_01JRTFXRENDER000000000000', business_id: 'studio-1', name: 'r', url, events: ['*'], dialect, enabled: true, headers: {},
    timeout_ms: 2000, retry_schedule: null, rate_limit: null, max_in_flight: 10, ordering: 'none',
    secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`, previous_secret: null, previous_secret_expires_at: null,
    health_state: 'healthy', consecutive_failures: 0, health_since: null, health_reason: null, created_at: NOW, updated_at: NOW,
  };
}

function item(type: string, data: string): DispatchItem {
  return {
    delivery: { id: 'dlv_01JRTFXRENDER00000000000', business_id: 'studio-1', event_id: 'evt_1', webhook_id: 'wh_01JRTFXRENDER000000000000', event_type: type, status: 'pending', attempt_count: 0, next_attempt_at: NOW, last_status_code: null, lease_owner: 'w1', created_at: NOW, updated_at: NOW },
    event: { id: 'evt_1', business_id: 'studio-1', type, data, occurred_at: NOW, created_at: NOW },
  };
}

test('an unrepresentable value fails the delivery on its first attempt, with no retry and the field named, and nothing is sent (issue 11)', async (t) => {
  const rx = await startReceiver();
  t.after(() => rx.close());
  const sender = createSender({ allowPrivateNetworks: true, userAgent: 'Hookline/test' });
  t.after(() => sender.close());
  const r = await renderAndSend(item('client/created', '{"id":"0ea627de-158e-48b1-bcbb-7fe6058d191c","first_name":"Maya"}'), webhook('opus1', `${rx.url}/o`), sender, 'w1');
  assert.equal(r.ok, false);
  assert.equal(r.outcome.status, 'failed');
  assert.equal(r.outcome.next_attempt_at, null);
  assert.equal(r.outcome.attempt.error, 'unrepresentable');
  assert.equal(r.outcome.attempt.status_code, null);
  assert.match(r.outcome.attempt.response_body!, /^data\/id: opus1 documents "id" as an integer/);
  // The same data in a dialect that can carry it is sent.
  const ok = await renderAndSend(item('client/created', '{"id":"0ea627de-158e-48b1-bcbb-7fe6058d191c","first_name":"Maya"}'), webhook('hapana', `${rx.url}/h`), sender, 'w1');
  assert.equal(ok.outcome.status, 'succeeded');
  assert.deepEqual(rx.received.map((x) => x.url), ['/h']);
});

test('a dialect that throws while rendering records render_failed with the reason, is retried on the schedule, and sends nothing (issue 11)', async (t) => {
  const rx = await startReceiver();
  t.after(() => rx.close());
  const sender = createSender({ allowPrivateNetworks: true, userAgent: 'Hookline/test' });
  t.after(() => sender.close());
  // Stored text that is not JSON can only come from a damaged row: the store writes JSON.stringify output.
  const r = await renderAndSend(item('client/created', '{"id":'), webhook('hapana', `${rx.url}/h`), sender, 'w1');
  assert.equal(r.outcome.attempt.error, 'render_failed');
  assert.match(r.outcome.attempt.response_body!, /^The hapana dialect could not render this event: .*JSON/);
  assert.equal(r.outcome.status, 'retrying');
  assert.ok(r.outcome.next_attempt_at !== null);
  assert.equal(rx.received.length, 0);
});
