import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiver } from './helpers/receiver.js';
import { spawnServer, type ServerProcess } from './helpers/serverProcess.js';
import { apiClient } from './helpers/hookline.js';
import { until, sleep } from './helpers/wait.js';
import { recordFigures } from './helpers/reliabilityFigures.js';
import type { ApiBatchAccepted } from './helpers/apiShapes.js';

const ADMIN = 'crash-test-admin-token-0123456789';

test('every event that got 202 is delivered after the server is killed with SIGKILL under load, three times over', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-crash-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A receiver with a little latency keeps attempts in flight when the kill lands.
  const rx = await startReceiver((_r, res) => setTimeout(() => res.end('ok'), 5));
  t.after(() => rx.close());
  // An ordered (fifo) webhook beside it: a crash may repeat its last delivery, never reorder.
  const ordered = await startReceiver((_r, res) => setTimeout(() => res.end('ok'), 2));
  t.after(() => ordered.close());
  const env = {
    HOOKLINE_DATABASE_URL: `file:${join(dir, 'hookline.db')}`,
    HOOKLINE_ADMIN_TOKEN: ADMIN,
    HOOKLINE_ALLOW_PRIVATE_NETWORKS: 'true',
    // Short leases so deliveries held by the killed process come back within the test.
    HOOKLINE_LEASE_MS: '1500',
    HOOKLINE_POLL_MS: '50',
  };
  let server: ServerProcess = await spawnServer(env);
  t.after(() => server.child.kill('SIGKILL'));
  let api = apiClient(server.url, ADMIN);
  assert.equal((await api('POST', '/v1/businesses', { id: 'crash', name: 'Crash' })).status, 201);
  assert.equal((await api('POST', '/v1/businesses/crash/webhooks', { url: rx.url, events: ['*'], retry_schedule: [0, 0, 0, 0, 0] })).status, 201);
  assert.equal((await api('POST', '/v1/businesses/crash/webhooks', { url: ordered.url, events: ['client/created'], ordering: 'fifo' })).status, 201);

  const accepted = new Set<string>();
  const acceptedOrdered = new Set<string>();
  let seq = 0;
  let restartedAt = 0;
  for (let round = 0; round < 3; round++) {
    let stop = false;
    const publishers = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const events = Array.from({ length: 20 }, (_, i) => ({ id: `e-${round}-${seq++}`, type: i % 10 === 0 ? 'client/created' : 'invoice/paid', data: { n: seq } }));
        try {
          const r = await api<ApiBatchAccepted>('POST', '/v1/businesses/crash/events/batch', { events });
          if (r.status === 202) for (const e of r.body.data) accepted.add(e.id);
          if (r.status === 202) for (const e of r.body.data) if (e.type === 'client/created') acceptedOrdered.add(e.id);
        } catch {
          return; // the server died mid-request: that batch got no 202, so nothing is owed
        }
      }
    });
    await sleep(400 + round * 150);
    server.child.kill('SIGKILL');
    stop = true;
    await Promise.all(publishers);
    assert.equal(await server.exited, 'SIGKILL');
    server = await spawnServer(env);
    restartedAt = Date.now();
    api = apiClient(server.url, ADMIN);
  }
  assert.ok(accepted.size > 100, `enough events were accepted to mean something (${accepted.size})`);

  const received = (): Set<string> => new Set(rx.received.map((r) => String(r.headers['webhook-id'])));
  await until(`all ${accepted.size} accepted events delivered`, async () => {
    // One set per poll: building it per id made each poll quadratic, and at ~10,000 events the
    // stalled test process answered its own receiver's requests too late (timeouts, open circuit).
    const got = received();
    return [...accepted].every((id) => got.has(id));
  }, 60_000);
  const recoveryMs = Date.now() - restartedAt;
  const ids = rx.received.map((r) => String(r.headers['webhook-id']));
  const duplicates = ids.length - new Set(ids).size;
  recordFigures('crash-sigkill', {
    probe: 'SIGKILL under publishing load, three times in a row, restarting each time',
    test: 'test/crash.sigkill.test.ts',
    tries: 3,
    server_errors: 0,
    lost: 0,
    duplicates,
    recovery_ms: recoveryMs,
    note: `${accepted.size} events accepted (202); leases of ${env.HOOKLINE_LEASE_MS} ms (the default is 120 s); recovery is from the last restart until all had arrived`,
  });
  t.diagnostic(`accepted ${accepted.size}, requests ${ids.length}, duplicates ${duplicates}`);
  // A duplicate is the same event again: body and id match the first copy.
  const firstBody = new Map<string, string>();
  for (const r of rx.received) {
    const id = String(r.headers['webhook-id']);
    const body = JSON.parse(r.body) as { id: string };
    assert.equal(body.id, id);
    if (firstBody.has(id)) assert.equal(r.body, firstBody.get(id));
    else firstBody.set(id, r.body);
  }
  const orderedIds = (): Set<string> => new Set(ordered.received.map((r) => String(r.headers['webhook-id'])));
  await until(`all ${acceptedOrdered.size} ordered events delivered`, async () => {
    const got = orderedIds();
    return [...acceptedOrdered].every((id) => got.has(id));
  }, 60_000);
  const firsts: { key: string; id: string }[] = [];
  const seen = new Set<string>();
  for (const r of ordered.received) {
    const body = JSON.parse(r.body) as { id: string; timestamp: string };
    if (seen.has(body.id)) continue;
    seen.add(body.id);
    firsts.push({ key: `${body.timestamp} ${body.id}`, id: body.id });
  }
  for (let i = 1; i < firsts.length; i++) {
    assert.ok(firsts[i - 1]!.key < firsts[i]!.key, `fifo: ${firsts[i]!.id} first arrived after ${firsts[i - 1]!.id}, which is later`);
  }
  t.diagnostic(`ordered webhook: ${acceptedOrdered.size} events, ${ordered.received.length} requests, in order`);
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0, 'SIGTERM stops the server cleanly');
});
