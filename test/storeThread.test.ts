import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HooklineError } from '../src/errors.js';
import { openStoreThread } from '../src/store/thread/StoreThread.js';

/** What only the forwarder can get wrong; the store contract itself runs through it in store.contract.test.ts. */
async function threadStore(t: import('node:test').TestContext, onDeath?: (err: Error) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-thread-'));
  const store = await openStoreThread(`file:${join(dir, 'hookline.db')}`, onDeath);
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await store.migrate();
  return store;
}

test('a catalogued error thrown on the store thread arrives as the same HooklineError', async (t) => {
  const store = await threadStore(t);
  await store.createBusiness({ id: 'b', name: 'B', created_at: 1 });
  await assert.rejects(store.createBusiness({ id: 'b', name: 'B', created_at: 1 }), (err: unknown) => {
    assert.ok(err instanceof HooklineError);
    assert.equal(err.code, 'BUSINESS_EXISTS');
    assert.equal(err.status, 409);
    return true;
  });
});

test('when the store thread dies, calls in flight and later calls fail with STORE_UNAVAILABLE instead of hanging, and the owner is told once', async (t) => {
  const deaths: Error[] = [];
  const store = await threadStore(t, (err) => deaths.push(err));
  const many = Array.from({ length: 200 }, (_, i) => store.createBusiness({ id: `b${i}`, name: 'B', created_at: 1 }).then(() => 'ok', (e: unknown) => e));
  await store.thread.terminate();
  for (const r of await Promise.all(many)) {
    if (r !== 'ok') assert.equal((r as HooklineError).code, 'STORE_UNAVAILABLE');
  }
  await assert.rejects(store.getBusiness('b0'), (err: unknown) => err instanceof HooklineError && err.code === 'STORE_UNAVAILABLE' && /store thread stopped/.test(err.message));
  assert.equal(deaths.length, 1);
  assert.equal((deaths[0] as HooklineError).code, 'STORE_UNAVAILABLE');
});

test('closing the store is not a death', async (t) => {
  const deaths: Error[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'hookline-thread-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = await openStoreThread(`file:${join(dir, 'hookline.db')}`, (err) => deaths.push(err));
  await store.migrate();
  await store.close();
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(deaths, []);
});

test('a method the store does not have is not offered: SQLite cannot listen', async (t) => {
  const store = await threadStore(t);
  assert.equal(store.listen, undefined);
  assert.equal(store.kind, 'sqlite');
  assert.equal(store.capabilities.notify, false);
});
