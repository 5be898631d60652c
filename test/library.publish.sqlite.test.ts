import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { publish, HooklineError, type PublishEventInput } from '../src/index.js';
import { builtinEventTypes } from '../src/catalog/builtinEventTypes.js';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import type { ApiProblem, ApiWebhook } from './helpers/apiShapes.js';
import { afterClaimLoopTurn } from './helpers/claimLoopTurn.js';
import { startReceiver } from './helpers/receiver.js';
import { until } from './helpers/wait.js';

/**
 * Publishing inside the platform's own better-sqlite3 transaction on Hookline's SQLite file
 * (issue 17 §3): the running server, holding the file's lock, finds what the platform committed
 * through its claim loop.
 */

const example = builtinEventTypes.find((t) => t.type === 'client/created')!.example as Record<string, unknown>;
let hl: TestInstance;
let rx: Awaited<ReturnType<typeof startReceiver>>;
let db: Database.Database;

const delivered = (id: string): number => rx.received.filter((r) => r.headers['webhook-id'] === id).length;
const ev = (id: string): PublishEventInput => ({ type: 'client/created', data: { ...example, id: 3 }, id });

before(async () => {
  hl = await startTestHookline();
  rx = await startReceiver();
  await hl.api('POST', '/v1/businesses', { id: 'studio', name: 'Studio' });
  assert.equal((await hl.api<ApiWebhook>('POST', '/v1/businesses/studio/webhooks', { name: 'crm', url: rx.url, events: ['client/created'] })).status, 201);
  // A second webhook whose payload filter refuses these events: publish applies it as the API does.
  const filtered = await hl.api<ApiWebhook>('POST', '/v1/businesses/studio/webhooks', {
    name: 'vip only', url: `${rx.url}/vip`, events: ['client/*'], filter: { 'data.status': { $eq: 'vip' } },
  });
  assert.equal(filtered.status, 201, JSON.stringify(filtered.body));
  // The platform's own connection to Hookline's file, beside the server's.
  db = new Database(join(hl.dir, 'hookline.db'));
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE platform_invoices (id TEXT PRIMARY KEY)');
});
after(async () => {
  db?.close();
  await hl.stop();
  await rx.close();
});

test('journey: committed with the platform\u2019s write, delivered once by the running server; publish answers synchronously', async () => {
  const published = db.transaction(() => {
    db.prepare('INSERT INTO platform_invoices (id) VALUES (?)').run('inv-1');
    return publish(db, 'studio', ev('sq-commit'));
  })();
  assert.equal(published.id, 'sq-commit');
  assert.equal(published.deliveries, 1, 'the filtered webhook gets none');
  assert.equal(published.duplicate, false);
  await until('delivered', async () => delivered('sq-commit') === 1);
  assert.equal(rx.received.find((r) => r.headers['webhook-id'] === 'sq-commit')!.url, '/');
  const again = db.transaction(() => publish(db, 'studio', ev('sq-commit')))();
  assert.equal(again.duplicate, true);
  await afterClaimLoopTurn(hl.api, 'studio');
  assert.equal(delivered('sq-commit'), 1);
});

test('a transaction that throws rolls back the platform\u2019s write and the event: nothing is delivered', async () => {
  assert.throws(() =>
    db.transaction(() => {
      db.prepare('INSERT INTO platform_invoices (id) VALUES (?)').run('inv-2');
      publish(db, 'studio', ev('sq-rolled-back'));
      throw new Error('the platform changed its mind');
    })(),
  /changed its mind/);
  // A refusal inside the transaction throws synchronously, so it rolls back what came before it.
  assert.throws(
    () =>
      db.transaction(() => {
        db.prepare('INSERT INTO platform_invoices (id) VALUES (?)').run('inv-3');
        publish(db, 'studio', { type: 'client/created', data: { ...example, email: 42 } });
      })(),
    (err: unknown) => err instanceof HooklineError && err.code === 'EVENT_DATA_INVALID',
  );
  assert.deepEqual(db.prepare("SELECT id FROM platform_invoices WHERE id IN ('inv-2', 'inv-3')").all(), []);
  db.transaction(() => publish(db, 'studio', ev('sq-after')))();
  await until('the later event is delivered', async () => delivered('sq-after') === 1);
  await afterClaimLoopTurn(hl.api, 'studio');
  assert.equal(delivered('sq-rolled-back'), 0);
  assert.equal((await hl.api<ApiProblem>('GET', '/v1/businesses/studio/events/sq-rolled-back')).status, 404);
});

test('outside a transaction it commits at once; shapes the API refuses are refused with its codes', async () => {
  assert.equal(publish(db, 'studio', ev('sq-autocommit')).deliveries, 1);
  await until('delivered', async () => delivered('sq-autocommit') === 1);
  for (const [business, input, code] of [
    ['nobody', ev('q-1'), 'BUSINESS_NOT_FOUND'],
    ['studio', { type: 'client/eaten', data: {} }, 'UNKNOWN_EVENT_TYPE'],
    ['studio', { type: 'client/created', data: [] }, 'EVENT_DATA_INVALID'],
    ['studio', { type: 'client/created', data: 'text' }, 'EVENT_DATA_INVALID'],
    ['studio', { type: 'hookline/webhook.disabled', data: {} }, 'RESERVED_EVENT_TYPE'],
    ['studio', { type: '\u0000', data: {} }, 'UNKNOWN_EVENT_TYPE'],
    ['studio', { type: 7, data: {} }, 'UNKNOWN_EVENT_TYPE'],
    ['studio', 'client/created', 'BAD_REQUEST'],
    [null, ev('q-2'), 'BAD_REQUEST'],
  ] as [unknown, unknown, string][]) {
    assert.throws(
      () => publish(db, business as string, input as PublishEventInput),
      (err: unknown) => err instanceof HooklineError && err.code === code,
      `${JSON.stringify(business)} ${JSON.stringify(input)}: expected ${code}`,
    );
  }
  assert.deepEqual(db.prepare("SELECT id FROM events WHERE id LIKE 'q-%'").all(), []);
});

test('channels route as through the API: a webhook naming channels gets only events published to one of them', async () => {
  const desk = await hl.api<ApiWebhook>('POST', '/v1/businesses/studio/webhooks', { name: 'front desk', url: `${rx.url}/desk`, events: ['client/created'], channels: ['front-desk'] });
  assert.equal(desk.status, 201, JSON.stringify(desk.body));
  const onChannel = db.transaction(() => publish(db, 'studio', { ...ev('sq-channel'), channels: ['front-desk'] }))();
  assert.equal(onChannel.deliveries, 2, 'crm (no channels) and the front desk');
  const without = db.transaction(() => publish(db, 'studio', ev('sq-no-channel')))();
  assert.equal(without.deliveries, 1, 'crm only');
  assert.throws(() => publish(db, 'studio', { ...ev('sq-bad-channel'), channels: ['not a channel'] }), (err: unknown) => err instanceof HooklineError && err.code === 'EVENT_DATA_INVALID');
});
