import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PublishItem } from '../src/store/Store.js';
import { WebhookOwners } from '../src/dispatch/WebhookOwners.js';
import { probePostgres, queryTestDatabase } from './helpers/postgres.js';
import { migratedStoreWithBusiness } from './helpers/postgresStore.js';

/**
 * Issue 19 §3: the webhooks are spread over the live processes by rendezvous hashing, computed
 * by the dispatcher (who asks for a sender lease, whose fresh deliveries it keeps) and by the
 * PostgreSQL claim (whose unleased deliveries it takes). The two must agree on every owner.
 */

const pgReady = await probePostgres();
const skip = pgReady.available ? false : pgReady.reason;

const A = 'wrk_01JAAAAAAAAAAAAAAAAAAAAAAA';
const B = 'wrk_01JBBBBBBBBBBBBBBBBBBBBBBB';
const C = 'wrk_01JCCCCCCCCCCCCCCCCCCCCCCC';
const webhooks = Array.from({ length: 60 }, (_, i) => `wh_${String(i).padStart(26, '0')}`);

function ownersSeenBy(self: string, live: string[]): WebhookOwners {
  const owners = new WebhookOwners(self);
  owners.setLive(live);
  return owners;
}

test('rendezvous: alone a process owns every webhook; with others each webhook has exactly one owner, and a death moves only the dead one\'s', () => {
  assert.ok(webhooks.every((w) => new WebhookOwners(A).owns(w)));
  assert.deepEqual(new WebhookOwners(A).peers, []);
  const two = [A, B].map((id) => ownersSeenBy(id, [A, B]));
  for (const w of webhooks) assert.equal(two.filter((o) => o.owns(w)).length, 1, w);
  const ofA = webhooks.filter((w) => two[0]!.owns(w)).length;
  assert.ok(ofA >= 18 && ofA <= 42, `A owns ${ofA} of 60`);

  const three = [A, B, C].map((id) => ownersSeenBy(id, [A, B, C]));
  for (const w of webhooks) assert.equal(three.filter((o) => o.owns(w)).length, 1, w);
  // C dies: its webhooks are shared out, and nobody else's change hands.
  for (const w of webhooks) {
    const before = three[0]!.ownerOf(w);
    const after = two[0]!.ownerOf(w);
    if (before !== C) assert.equal(after, before, w);
  }
});

test('the PostgreSQL claim and the dispatcher agree on every owner; what nobody claimed for long is anyone\'s', { skip }, async (t) => {
  const { schema, store } = await migratedStoreWithBusiness(t);

  const sql = await queryTestDatabase(
    schema.url,
    `SELECT w, substr((SELECT max((md5(p || ':' || w) || p) COLLATE "C") FROM unnest(ARRAY['${A}', '${B}', '${C}']) AS p), 33) AS owner
     FROM unnest(ARRAY[${webhooks.map((w) => `'${w}'`).join(', ')}]) AS w`,
  );
  const js = ownersSeenBy(A, [A, B, C]);
  assert.deepEqual(sql.map((r) => [r.w, r.owner]), webhooks.map((w) => [w, js.ownerOf(w)]));

  const now = Date.now();
  const publish = (prefix: string, at: number): Promise<unknown> =>
    store.publish(webhooks.map((w, i): PublishItem => ({
      event: { id: `${prefix}${i}`, business_id: 'b', type: 'invoice/paid', data: '{}', occurred_at: at, created_at: at },
      deliveries: [{ id: `dlv_${prefix}${String(i).padStart(20, '0')}`, webhook_id: w, lease_owner: null, next_attempt_at: at }],
    })));
  await publish('fresh', now);
  const claimAs = async (owner: string, anyoneBefore: number): Promise<string[]> =>
    (await store.claimDue({ owner, now, leaseUntil: now + 60_000, limit: 1000, excludeWebhooks: [], shared: { live: [A, B], anyoneBefore } }))
      .map((i) => i.delivery.webhook_id).sort();
  const owners = ownersSeenBy(A, [A, B]);
  const gotA = await claimAs(A, now - 5000);
  assert.deepEqual(gotA, webhooks.filter((w) => owners.ownerOf(w) === A));
  assert.deepEqual(await claimAs(B, now - 5000), webhooks.filter((w) => owners.ownerOf(w) === B));

  // Due for longer than the grace: B takes A's too. A webhook B holds the lease of is B's to claim.
  await publish('stale', now - 10_000);
  await store.acquireSenders(B, [gotA[0]!], now, now + 30_000);
  await publish('leased', now);
  const gotB = await claimAs(B, now - 5000);
  const ofB = webhooks.filter((w) => owners.ownerOf(w) === B).length;
  assert.equal(gotB.length, webhooks.length + ofB + 1, 'every stale delivery, its own fresh ones, and the fresh one of the webhook B is the sender for');
  assert.deepEqual(gotB.filter((w) => w === gotA[0]), [gotA[0], gotA[0]]);
  // Alone (no peers), a process claims whatever is due, as before.
  await publish('alone', now);
  const alone = await store.claimDue({ owner: A, now, leaseUntil: now + 60_000, limit: 1000, excludeWebhooks: [] });
  assert.equal(alone.filter((i) => i.event.id.startsWith('alone')).length, webhooks.length - 1, 'all but the one B holds the sender lease of');
});
