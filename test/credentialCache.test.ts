import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CredentialCache } from '../src/auth/CredentialCache.js';

/** A loader that counts its calls and answers whatever `found` holds at the time. */
function loader<V>(initial: V | null) {
  const l = { found: initial, calls: 0, load: async () => (l.calls++, l.found) };
  return l;
}

test('a found value is served from the cache until ttlMs has passed, then looked up again', async () => {
  const cache = new CredentialCache<string>(500);
  const l = loader<string>('grant-1');
  assert.equal(await cache.get('h', 1_000, l.load), 'grant-1');
  l.found = 'grant-2';
  assert.equal(await cache.get('h', 1_499, l.load), 'grant-1');
  assert.equal(l.calls, 1);
  assert.equal(await cache.get('h', 1_500, l.load), 'grant-2');
  assert.equal(l.calls, 2);
});

test('a miss is not cached, so a credential issued meanwhile works at once', async () => {
  const cache = new CredentialCache<string>(500);
  const l = loader<string>(null);
  assert.equal(await cache.get('h', 1_000, l.load), null);
  l.found = 'issued';
  assert.equal(await cache.get('h', 1_001, l.load), 'issued');
});

test('a value gone from the store when its entry is stale is refused and dropped', async () => {
  const cache = new CredentialCache<string>(500);
  const l = loader<string>('grant');
  await cache.get('h', 1_000, l.load);
  l.found = null;
  assert.equal(await cache.get('h', 2_000, l.load), null);
  assert.equal(await cache.get('h', 2_001, l.load), null);
  assert.equal(l.calls, 3);
});

test('forget drops the values it picks at once and keeps the others', async () => {
  const cache = new CredentialCache<{ id: string }>(500);
  await cache.get('a', 1_000, async () => ({ id: 'tok_a' }));
  await cache.get('b', 1_000, async () => ({ id: 'tok_b' }));
  cache.forget((v) => v.id === 'tok_a');
  const l = loader<{ id: string }>(null);
  assert.equal(await cache.get('a', 1_001, l.load), null);
  assert.deepEqual(await cache.get('b', 1_001, l.load), { id: 'tok_b' });
  assert.equal(l.calls, 1);
});
