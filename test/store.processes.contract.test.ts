import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NewDelivery, ProcessRow, Store } from '../src/store/Store.js';
import { newDeliveryId, newEventId } from '../src/ids.js';
import { RELEASE_DEAD_SQL } from '../src/store/postgres/processes.js';
import { freshStore, storeFactories } from './helpers/stores.js';
import { undroppedTestDatabases } from './helpers/postgres.js';

/**
 * The crash-recovery half of the store contract (issue 12 §3), for every store: processes
 * register and beat, and the leases of a dead one (deliveries and senders) go back at once,
 * while a live one's stay where they are.
 */

const T0 = 1_700_000_000_000;
const LEASE = 120_000;

function processOf(id: string, at: number, over: Partial<ProcessRow> = {}): ProcessRow {
  return { id, host: 'host-a', pid: 4242, mode: 'serve', started_at: at, heartbeat_at: at, ...over };
}

/** One event with a delivery per owner: `null` publishes it unleased and due at T0 (then claimed by nobody). */
async function publishHeld(store: Store, owners: (string | null)[], at = T0): Promise<string[]> {
  const deliveries: NewDelivery[] = owners.map((owner, i) => ({
    id: newDeliveryId(),
    webhook_id: `wh_${i}`,
    lease_owner: owner,
    next_attempt_at: owner ? at + LEASE : at + 3_600_000,
  }));
  const [r] = await store.publish([{ event: { id: newEventId(), business_id: 'b1', type: 'client/created', data: '{}', occurred_at: at, created_at: at }, deliveries }]);
  return r!.deliveries.map((d) => d.id);
}

async function leaseOf(store: Store, id: string): Promise<[string | null, number | null]> {
  const d = (await store.getDelivery('b1', id))!;
  return [d.lease_owner, d.next_attempt_at];
}

describe('Store contract: processes and crash recovery (issue 12)', { concurrency: true }, () => {
  for (const factory of storeFactories) {
    describe(factory.name, { skip: factory.skip, concurrency: 4 }, () => {
      const fresh = freshStore(factory);

      test('a heartbeat registers the process, then moves its time; it says false once the process was declared dead', async (t) => {
        const { store } = await fresh(t);
        assert.equal(await store.heartbeat(processOf('wrk_a', T0)), true, 'the first beat registers');
        assert.equal(await store.heartbeat(processOf('wrk_a', T0, { heartbeat_at: T0 + 2000 })), true);
        await store.heartbeat(processOf('wrk_b', T0 + 10, { mode: 'worker', pid: 7 }));
        assert.deepEqual(await store.listProcesses(), [
          processOf('wrk_a', T0, { heartbeat_at: T0 + 2000 }),
          processOf('wrk_b', T0 + 10, { mode: 'worker', pid: 7 }),
        ]);
        // wrk_a falls silent; wrk_b finds it dead.
        const released = await store.releaseDeadProcesses({ now: T0 + 20_000, deadBefore: T0 + 10_000, except: 'wrk_b' });
        assert.deepEqual(released.processes, ['wrk_a']);
        assert.equal(await store.heartbeat(processOf('wrk_a', T0, { heartbeat_at: T0 + 21_000 })), false, 'it comes back knowing it was declared dead');
        assert.deepEqual((await store.listProcesses()).map((p) => p.id).sort(), ['wrk_a', 'wrk_b']);
        await store.removeProcess('wrk_a');
        await store.removeProcess('wrk_a');
        assert.deepEqual((await store.listProcesses()).map((p) => p.id), ['wrk_b']);
      });

      test("a dead process's deliveries and sender leases go back at once; a live one's, and one that is only late, stay", async (t) => {
        const { store } = await fresh(t);
        await store.heartbeat(processOf('wrk_dead', T0, { heartbeat_at: T0 + 1000 }));
        await store.heartbeat(processOf('wrk_late', T0, { heartbeat_at: T0 + 9000 }));
        await store.heartbeat(processOf('wrk_me', T0, { heartbeat_at: T0 + 9500 }));
        const [dead1, dead2, late, mine, nobody] = await publishHeld(store, ['wrk_dead', 'wrk_dead', 'wrk_late', 'wrk_me', null]);
        await store.acquireSenders('wrk_dead', ['wh_0', 'wh_1'], T0, T0 + 30_000);
        await store.acquireSenders('wrk_late', ['wh_2'], T0, T0 + 30_000);

        const now = T0 + 10_000;
        const released = await store.releaseDeadProcesses({ now, deadBefore: T0 + 5000, except: 'wrk_me' });
        assert.deepEqual(released, { processes: ['wrk_dead'], deliveries: 2, senders: 2 });
        assert.deepEqual(await leaseOf(store, dead1!), [null, now]);
        assert.deepEqual(await leaseOf(store, dead2!), [null, now]);
        assert.deepEqual(await leaseOf(store, late!), ['wrk_late', T0 + LEASE]);
        assert.deepEqual(await leaseOf(store, mine!), ['wrk_me', T0 + LEASE]);
        assert.deepEqual(await leaseOf(store, nobody!), [null, T0 + 3_600_000], 'a retry scheduled for later keeps its time');
        assert.deepEqual((await store.listProcesses()).map((p) => p.id), ['wrk_late', 'wrk_me']);

        // What went back is due now: any process claims it.
        const claimed = await store.claimDue({ owner: 'wrk_me', now, leaseUntil: now + LEASE, limit: 10, excludeWebhooks: [] });
        assert.deepEqual(claimed.map((c) => c.delivery.id).sort(), [dead1, dead2].sort());
        // And the dead one's webhooks have no sender: the first to ask gets them, before the old lease would have run out.
        const senders = await store.acquireSenders('wrk_me', ['wh_0', 'wh_2'], now, now + 30_000);
        assert.deepEqual(senders.map((s) => [s.webhook_id, s.owner]), [['wh_0', 'wrk_me'], ['wh_2', 'wrk_late']]);

        assert.deepEqual(await store.releaseDeadProcesses({ now, deadBefore: T0 + 5000, except: 'wrk_me' }), { processes: [], deliveries: 0, senders: 0 }, 'nothing twice');
      });

      test('a process alone on its store gives back every lease that is not its own, registered or not', async (t) => {
        const { store } = await fresh(t);
        await store.heartbeat(processOf('wrk_before', T0 - 5000));
        await store.heartbeat(processOf('wrk_me', T0 + 1000));
        const [before, unregistered, mine] = await publishHeld(store, ['wrk_before', 'wrk_from_an_older_version', 'wrk_me']);
        await store.acquireSenders('wrk_before', ['wh_0'], T0, T0 + 30_000);
        await store.acquireSenders('wrk_me', ['wh_2'], T0, T0 + 30_000);

        const now = T0 + 2000;
        const released = await store.releaseLeasesNotOwnedBy('wrk_me', now);
        assert.deepEqual(released, { processes: ['wrk_before'], deliveries: 2, senders: 1 });
        assert.deepEqual(await leaseOf(store, before!), [null, now]);
        assert.deepEqual(await leaseOf(store, unregistered!), [null, now]);
        assert.deepEqual(await leaseOf(store, mine!), ['wrk_me', T0 + LEASE]);
        assert.deepEqual((await store.listProcesses()).map((p) => p.id), ['wrk_me']);
        const senders = await store.acquireSenders('wrk_other', ['wh_2'], now, now + 30_000);
        assert.equal(senders[0]!.owner, 'wrk_me', "its own sender lease stays");
      });

      test('releasing leases does not take those that already ran out from whoever claimed them since', async (t) => {
        const { store } = await fresh(t);
        await store.heartbeat(processOf('wrk_dead', T0));
        const [d] = await publishHeld(store, ['wrk_dead']);
        // The lease ran out and another process claimed the delivery before anyone noticed the death.
        const later = T0 + LEASE + 1;
        await store.claimDue({ owner: 'wrk_other', now: later, leaseUntil: later + LEASE, limit: 10, excludeWebhooks: [] });
        const released = await store.releaseDeadProcesses({ now: later, deadBefore: later - 10_000, except: 'wrk_other' });
        assert.deepEqual(released, { processes: ['wrk_dead'], deliveries: 0, senders: 0 });
        assert.deepEqual(await leaseOf(store, d!), ['wrk_other', later + LEASE]);
      });

      test('a beat that finds nobody dead does not scan the backlog (PostgreSQL plan)', { skip: factory.kind === 'postgres' ? false : 'the SQLite store returns before the statement when nobody is dead' }, async (t) => {
        const ts = await fresh(t);
        await publishHeld(ts.store, [null, null, 'wrk_live']);
        const sql = RELEASE_DEAD_SQL.replace(/\$1/g, String(T0)).replace(/\$2/g, String(T0 - 10_000)).replace(/\$3/g, "'wrk_me'");
        const plan = (await ts.sql(`EXPLAIN (ANALYZE, COSTS OFF) ${sql}`)).map((r) => String(r['QUERY PLAN'])).join('\n');
        // Whatever scan the planner picks for this small table (deliveries_due on a large one), it never runs.
        assert.match(plan, /Scan[^\n]* on deliveries[^\n]*\(never executed\)/, plan);
      });
    });
  }
});

after(() => {
  assert.deepEqual(undroppedTestDatabases(), [], 'every test schema and database was dropped');
});
