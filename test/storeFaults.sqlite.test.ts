import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { startHookline } from '../src/app.js';
import { startReceiver } from './helpers/receiver.js';
import { apiClient, type ApiClient } from './helpers/hookline.js';
import { until } from './helpers/wait.js';
import type { ApiBatchAccepted, ApiProblem } from './helpers/apiShapes.js';

/**
 * Issue 7: while SQLite cannot write, publishing answers 503 STORE_UNAVAILABLE with a detail
 * saying why and that nothing was accepted; once the fault clears, publishing works again and
 * everything accepted before, during and after was delivered, with its outcome recorded.
 */

const ADMIN = 'store-fault-admin-token-0123456789';

/** Hookline on `path` with a receiver that answers after 10 ms, so attempts are in flight when the fault lands. */
async function setUp(t: TestContext, path: string) {
  const rx = await startReceiver((_r, res) => setTimeout(() => res.end('ok'), 10));
  t.after(() => rx.close());
  // A short busy_timeout: better-sqlite3 waits for a lock synchronously, stalling the process.
  const config = loadConfig({}, {
    port: 0, databaseUrl: `file:${path}?busy_timeout=100`, adminToken: ADMIN, allowPrivateNetworks: true,
    pollMs: 50, leaseMs: 3000, logLevel: 'silent',
  });
  const handle = await startHookline(config, { mode: 'serve', logger: pino({ level: 'silent' }) });
  t.after(() => handle.stop());
  const api = apiClient(handle.url!, ADMIN);
  assert.equal((await api('POST', '/v1/businesses', { id: 'acme', name: 'Acme' })).status, 201);
  assert.equal((await api('POST', '/v1/businesses/acme/webhooks', { url: rx.url, events: ['*'], max_in_flight: 4 })).status, 201);
  return { rx, api };
}

let seq = 0;
async function publish<T = ApiBatchAccepted>(api: ApiClient, n: number, data: Record<string, unknown> = {}) {
  const events = Array.from({ length: n }, () => ({ id: `e-${seq++}`, type: 'invoice/paid', data }));
  return api<T>('POST', '/v1/businesses/acme/events/batch', { events });
}

async function allDeliveredAndRecorded(rx: Awaited<ReturnType<typeof startReceiver>>, path: string, accepted: string[]): Promise<void> {
  await until(`all ${accepted.length} accepted events delivered`, async () => {
    const got = new Set(rx.received.map((r) => String(r.headers['webhook-id'])));
    return accepted.every((id) => got.has(id));
  }, 20_000);
  const reader = new Database(path, { readonly: true });
  try {
    await until('every outcome recorded', async () => {
      const open = reader.prepare("SELECT count(*) AS n FROM deliveries WHERE status <> 'succeeded'").get() as { n: number };
      const total = reader.prepare('SELECT count(*) AS n FROM deliveries').get() as { n: number };
      return open.n === 0 && total.n === accepted.length;
    }, 20_000);
  } finally {
    reader.close();
  }
}

test('SQLite write-locked by another connection: publish answers 503 STORE_UNAVAILABLE, then all accepted events are delivered and recorded (issue 7)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-fault-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'hookline.db');
  const { rx, api } = await setUp(t, path);
  const accepted: string[] = [];
  const first = await publish(api, 60);
  assert.equal(first.status, 202);
  accepted.push(...first.body.data.map((e) => e.id));
  await rx.waitFor(5);

  // Root ignores file permissions, so a lock is the reliable way to make writes fail here.
  const locker = new Database(path);
  locker.exec('BEGIN EXCLUSIVE');
  try {
    const refused = await publish<ApiProblem>(api, 5);
    assert.equal(refused.status, 503);
    assert.equal(refused.body.code, 'STORE_UNAVAILABLE');
    assert.match(refused.body.detail, /Nothing was accepted/);
    assert.match(refused.body.detail, /SQLITE_BUSY/);
    assert.equal(refused.headers.get('retry-after'), '2');
    // Attempts go on while the lock is held; their outcomes wait to be written.
    await rx.waitFor(40);
  } finally {
    locker.exec('COMMIT');
    locker.close();
  }

  const after = await publish(api, 20);
  assert.equal(after.status, 202);
  accepted.push(...after.body.data.map((e) => e.id));
  await allDeliveredAndRecorded(rx, path, accepted);
});

/** A 16 MiB tmpfs: mounting needs root (CAP_SYS_ADMIN); elsewhere the case says why it skips. */
function mountTinyDisk(dir: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return `cannot mount a tmpfs to fill (${String((err as { stderr?: Buffer }).stderr ?? err).trim()}); run as root to test a full disk`;
  }
}

test('SQLite on a full disk: publish answers 503 STORE_UNAVAILABLE naming SQLITE_FULL, and recovers once space is freed (issue 7)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-full-'));
  const mnt = join(dir, 'disk');
  mkdirSync(mnt);
  const cannot = mountTinyDisk(mnt);
  t.after(() => {
    if (!cannot) execFileSync('umount', ['-l', mnt]);
    rmSync(dir, { recursive: true, force: true });
  });
  if (cannot) {
    t.skip(cannot);
    return;
  }
  const path = join(mnt, 'hookline.db');
  const { rx, api } = await setUp(t, path);
  const accepted: string[] = [];
  const first = await publish(api, 30);
  assert.equal(first.status, 202);
  accepted.push(...first.body.data.map((e) => e.id));

  const filler = join(mnt, 'filler');
  const fd = openSync(filler, 'w');
  try {
    const chunk = Buffer.alloc(64 * 1024);
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    closeSync(fd);
  }

  // Earlier commits may have left room in the WAL file; publishing a few more fills it.
  let refused = null;
  const big = { note: 'x'.repeat(2000) };
  for (let i = 0; i < 50 && !refused; i++) {
    // The answer's shape follows its status: a receipt on 202, a problem otherwise.
    const r = await publish<unknown>(api, 20, big);
    if (r.status === 202) accepted.push(...(r.body as ApiBatchAccepted).data.map((e) => e.id));
    else refused = { ...r, body: r.body as ApiProblem };
  }
  assert.ok(refused, 'the disk filled up');
  assert.equal(refused.status, 503);
  assert.equal(refused.body.code, 'STORE_UNAVAILABLE');
  assert.match(refused.body.detail, /Nothing was accepted.*SQLITE_FULL.*disk .* is full/);

  rmSync(filler);
  const after = await publish(api, 10);
  assert.equal(after.status, 202);
  accepted.push(...after.body.data.map((e) => e.id));
  await allDeliveredAndRecorded(rx, path, accepted);
});
