import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MemoryDedupeStore, VerifyError, WebhookVerifier, type DedupeStore, type DialectName } from '../src/verify/index.js';
import { FIXTURE_PATH, type SignedRequestFixture } from './fixtures/generate-signed-requests.js';

const fixtures = JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as SignedRequestFixture[];

test('WebhookVerifier refuses the second copy of an event as "duplicate" in every dialect, and release lets it through', async () => {
  for (const f of fixtures) {
    const verifier = new WebhookVerifier({ dialect: f.dialect as DialectName, secrets: f.secrets, now: () => f.input.now });
    const first = await verifier.verify(f.request.body, f.request.headers);
    await assert.rejects(verifier.verify(f.request.body, f.request.headers), (e: unknown) => e instanceof VerifyError && e.code === 'duplicate');
    await verifier.release(first);
    await verifier.verify(f.request.body, f.request.headers);
  }
});

test('a forged request is not remembered, so it cannot block the real one', async () => {
  const f = fixtures.find((x) => x.dialect === 'standard')!;
  const verifier = new WebhookVerifier({ dialect: 'standard', secrets: f.secrets, now: () => f.input.now });
  await assert.rejects(verifier.verify(f.request.body.replace('Maya', 'Mallory'), f.request.headers), (e: unknown) => e instanceof VerifyError && e.code === 'bad_signature');
  await verifier.verify(f.request.body, f.request.headers);
});

test('dedupe: false turns de-duplication off; a caller-supplied store is used', async () => {
  const f = fixtures.find((x) => x.dialect === 'hapana')!;
  const off = new WebhookVerifier({ dialect: 'hapana', secrets: f.secrets, now: () => f.input.now, dedupe: false });
  await off.verify(f.request.body, f.request.headers);
  await off.verify(f.request.body, f.request.headers);

  const seen: string[] = [];
  const store: DedupeStore = { claim: async (key) => (seen.includes(key) ? false : (seen.push(key), true)), release: () => {} };
  const custom = new WebhookVerifier({ dialect: 'hapana', secrets: f.secrets, now: () => f.input.now, dedupe: store });
  await custom.verify(f.request.body, f.request.headers);
  assert.deepEqual(seen, [`hapana:${f.expect.id}`]);
});

test('MemoryDedupeStore forgets keys after their TTL and keeps at most maxEntries', () => {
  let now = 1_000;
  const store = new MemoryDedupeStore({ maxEntries: 3, now: () => now });
  assert.equal(store.claim('a', 100), true);
  assert.equal(store.claim('a', 100), false);
  now += 101;
  assert.equal(store.claim('a', 100), true, 'expired keys can be claimed again');
  for (const k of ['b', 'c', 'd']) store.claim(k, 1_000);
  assert.equal(store.size, 3);
  assert.equal(store.claim('a', 100), true, 'the oldest key was evicted to stay within maxEntries');
});
