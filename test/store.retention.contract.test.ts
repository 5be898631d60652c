import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ulid } from 'ulidx';
import type { AttemptOutcome, DeliveryCounts, NewDelivery, PurgeBatch, RetentionSweep, Store } from '../src/store/Store.js';
import { freshStore, storeFactories, type TestStore } from './helpers/stores.js';
import { undroppedTestDatabases } from './helpers/postgres.js';

/**
 * The retention half of the store contract (issues 4 and 7), for both stores: what a pass
 * deletes, what it must keep, and that every batch stays small.
 */

const DAY = 86_400_000;
const NOW = Date.now();
const BEFORE = NOW - 30 * DAY;
const OLD = NOW - 40 * DAY;
const RECENT = NOW - DAY;

/** A delivery id minted at `time`, as the publisher would have then. */
const idAt = (time: number): string => `dlv_${ulid(time)}`;

let seq = 0;
/** Publishes one event created at `at` with `n` deliveries due then, and returns their ids. */
async function publishAt(store: Store, at: number, n: number): Promise<{ event: string; deliveries: string[] }> {
  const event = `evt-${at}-${seq++}`;
  const deliveries: NewDelivery[] = Array.from({ length: n }, () => ({ id: idAt(at), webhook_id: 'wh_a', lease_owner: null, next_attempt_at: at }));
  await store.publish([{ event: { id: event, business_id: 'b1', type: 'client/created', data: '{}', occurred_at: at, created_at: at }, deliveries }]);
  return { event, deliveries: deliveries.map((d) => d.id) };
}

/** Takes everything due at `at` and records one attempt each with the given end state, written at `writtenAt`. */
async function finish(store: Store, at: number, ids: string[], status: AttemptOutcome['status'], writtenAt = at): Promise<void> {
  await store.claimDue({ owner: 'wrk', now: at, leaseUntil: at + 1000, limit: 1000, excludeWebhooks: [] });
  const outcomes: AttemptOutcome[] = ids.map((id) => ({
    attempt: { delivery_id: id, number: 1, started_at: at, duration_ms: 5, status_code: status === 'succeeded' ? 200 : 500, error: null, response_body: 'ok' },
    status,
    next_attempt_at: status === 'retrying' ? NOW + 3_600_000 : null,
    lease_owner: 'wrk',
  }));
  await store.recordOutcomes(outcomes, writtenAt);
}

/** Runs one kind of batch until its cursor runs out; returns each batch's result. */
async function drain<R extends { cursor: string | null }>(run: (b: PurgeBatch) => Promise<R>, limit: number): Promise<R[]> {
  const out: R[] = [];
  let cursor: string | null = null;
  do {
    const r = await run({ before: BEFORE, cursor, limit });
    out.push(r);
    cursor = r.cursor;
    assert.ok(out.length < 1000, 'the cursor moves forward');
  } while (cursor !== null);
  return out;
}

async function begin(store: Store): Promise<RetentionSweep> {
  const sweep = await store.beginRetentionSweep();
  assert.ok(sweep, 'no other sweep is running');
  return sweep;
}

type StatusCounts = Omit<DeliveryCounts, 'oldest_due_at'>;

/** What deliveryCounts must agree with: the full scan it replaced. */
async function countedByScan(ts: TestStore): Promise<StatusCounts> {
  const c: StatusCounts = { pending: 0, retrying: 0, succeeded: 0, failed: 0 };
  for (const r of await ts.sql('SELECT status, count(*) AS n FROM deliveries GROUP BY status')) c[r.status as keyof StatusCounts] = Number(r.n);
  return c;
}

async function countsMatchTheLog(ts: TestStore, store: Store, after: string): Promise<StatusCounts> {
  const { oldest_due_at: _, ...counts } = await store.deliveryCounts();
  assert.deepEqual(counts, await countedByScan(ts), `deliveryCounts after ${after}`);
  return counts;
}

describe('Store contract: retention', { concurrency: true }, () => {
  for (const factory of storeFactories) {
    describe(factory.name, { skip: factory.skip, concurrency: 4 }, () => {
      const fresh = freshStore(factory);

      test('old finished deliveries go with their attempts, and events none of whose deliveries is left; recent and open ones stay', async (t) => {
        const { store } = await fresh(t);
        const done = await publishAt(store, OLD, 2); // both finish: all of it goes
        await finish(store, OLD, [done.deliveries[0]!], 'succeeded');
        await finish(store, OLD, [done.deliveries[1]!], 'failed');
        const half = await publishAt(store, OLD - 1, 2); // one still retrying: it and the event stay
        await finish(store, OLD - 1, [half.deliveries[0]!], 'succeeded');
        await finish(store, OLD - 1, [half.deliveries[1]!], 'retrying');
        const retrying = await publishAt(store, OLD - 2, 1);
        await finish(store, OLD - 2, retrying.deliveries, 'retrying');
        const parked = await publishAt(store, OLD - 3, 1); // pending, parked: a webhook disabled long ago
        await store.claimDue({ owner: 'wrk', now: OLD - 3, leaseUntil: OLD, limit: 10, excludeWebhooks: [] });
        await store.parkDeliveries('wrk', parked.deliveries);
        const lonely = await publishAt(store, OLD, 0); // no webhook matched: the event alone goes
        const replayed = await publishAt(store, OLD - 4, 1); // old, but failed again yesterday after a replay
        await finish(store, OLD - 4, replayed.deliveries, 'failed', RECENT);
        const recent = await publishAt(store, RECENT, 1);
        await finish(store, RECENT, recent.deliveries, 'succeeded');

        const sweep = await begin(store);
        const d = await drain((b) => sweep.purgeDeliveries(b), 1000);
        const e = await drain((b) => sweep.purgeEvents(b), 1000);
        await sweep.end();
        assert.deepEqual(
          { deliveries: d.reduce((n, r) => n + r.deliveries, 0), attempts: d.reduce((n, r) => n + r.attempts, 0), events: e.reduce((n, r) => n + r.events, 0) },
          { deliveries: 3, attempts: 3, events: 2 },
        );

        for (const id of [...done.deliveries, half.deliveries[0]!]) assert.equal(await store.getDelivery('b1', id), null, `${id} was purged`);
        for (const id of [half.deliveries[1]!, ...retrying.deliveries, ...parked.deliveries, ...replayed.deliveries, ...recent.deliveries]) {
          const kept = await store.getDelivery('b1', id);
          assert.ok(kept, `${id} was kept`);
          assert.equal(kept.attempts.length, kept.attempt_count, 'a kept delivery keeps its attempts');
        }
        assert.equal(await store.getEvent('b1', done.event), null);
        assert.equal(await store.getEvent('b1', lonely.event), null);
        for (const ev of [half, retrying, parked, replayed, recent]) assert.ok(await store.getEvent('b1', ev.event), `event ${ev.event} was kept`);
        const counts = await store.deliveryCounts();
        assert.deepEqual([counts.pending, counts.retrying, counts.succeeded, counts.failed], [1, 2, 1, 1]);

        // Nothing left to do: a second pass deletes nothing.
        const again = await begin(store);
        assert.equal((await drain((b) => again.purgeDeliveries(b), 1000)).reduce((n, r) => n + r.deliveries, 0), 0);
        assert.equal((await drain((b) => again.purgeEvents(b), 1000)).reduce((n, r) => n + r.events, 0), 0);
        await again.end();
      });

      test('each batch looks at no more than its limit and resumes from its cursor, past rows it must keep', async (t) => {
        const { store } = await fresh(t);
        // The oldest rows are open ones: a batch that only counted deletions would stop on them.
        const open = await publishAt(store, OLD - 10, 3);
        await finish(store, OLD - 10, open.deliveries, 'retrying');
        const finished: string[] = [];
        for (let i = 0; i < 22; i++) {
          const p = await publishAt(store, OLD + i, 1);
          finished.push(...p.deliveries);
        }
        await finish(store, OLD + 22, finished, 'succeeded');
        for (let i = 0; i < 13; i++) await publishAt(store, OLD + 100 + i, 0);

        const sweep = await begin(store);
        const d = await drain((b) => sweep.purgeDeliveries(b), 10);
        assert.deepEqual(d.map((r) => r.scanned), [10, 10, 5]);
        assert.deepEqual(d.map((r) => r.deliveries), [7, 10, 5]);
        assert.ok(d.every((r) => r.attempts <= 10));
        const e = await drain((b) => sweep.purgeEvents(b), 10);
        assert.ok(e.every((r) => r.scanned <= 10 && r.events <= 10));
        assert.equal(e.reduce((n, r) => n + r.events, 0), 22 + 13);
        assert.equal(e.reduce((n, r) => n + r.scanned, 0), 1 + 22 + 13, 'every old event is looked at once');
        await sweep.end();
        assert.equal((await store.deliveryCounts()).retrying, 3);
      });

      test('deliveryCounts stays exact through publish, outcomes, replay, retention and rows edited by hand, from several connections', async (t) => {
        const ts = await fresh(t);
        const { store } = ts;
        // On PostgreSQL each connection keeps its own shard of the counts: spread the writes.
        const other = ts.store.capabilities.multiProcess ? await ts.openAnother() : store;
        const old = await publishAt(store, OLD, 6);
        const recent = await publishAt(other, RECENT, 2);
        assert.deepEqual(await countsMatchTheLog(ts, store, 'publishing'), { pending: 8, retrying: 0, succeeded: 0, failed: 0 });

        const [s1, s2, s3, f1, f2, r1] = old.deliveries as [string, string, string, string, string, string];
        await finish(store, OLD, [s1, s2], 'succeeded');
        await finish(other, OLD, [s3], 'succeeded');
        await finish(other, OLD, [f1, f2], 'failed');
        await finish(store, OLD, [r1], 'retrying');
        await finish(other, RECENT, [recent.deliveries[0]!], 'succeeded');
        assert.deepEqual(await countsMatchTheLog(ts, other, 'outcomes'), { pending: 1, retrying: 1, succeeded: 4, failed: 2 });

        assert.equal(await store.replayFailed('wh_a', OLD, OLD + 10), 2);
        await countsMatchTheLog(ts, store, 'a replay');
        await finish(other, OLD + 10, [f1], 'failed');
        assert.deepEqual(await countsMatchTheLog(ts, store, 'failing a replayed delivery again'), { pending: 1, retrying: 2, succeeded: 4, failed: 1 });

        const sweep = await begin(other);
        let purged: number;
        try {
          purged = (await drain((b) => sweep.purgeDeliveries(b), 2)).reduce((n, r) => n + r.deliveries, 0);
        } finally {
          await sweep.end();
        }
        assert.equal(purged, 4, 'the three old succeeded ones and the one failed again');
        assert.deepEqual(await countsMatchTheLog(ts, store, 'retention'), { pending: 1, retrying: 2, succeeded: 1, failed: 0 });

        await ts.sql("UPDATE deliveries SET status = 'failed', next_attempt_at = NULL WHERE status = 'retrying'");
        assert.deepEqual(await countsMatchTheLog(ts, store, 'an UPDATE by hand'), { pending: 1, retrying: 0, succeeded: 1, failed: 2 });
        await ts.sql("DELETE FROM deliveries WHERE status = 'succeeded'");
        await countsMatchTheLog(ts, other, 'a DELETE by hand');
        await ts.sql(factory.kind === 'postgres' ? 'TRUNCATE deliveries' : 'DELETE FROM deliveries');
        assert.deepEqual(await countsMatchTheLog(ts, store, 'emptying the table'), { pending: 0, retrying: 0, succeeded: 0, failed: 0 });
      });

      test('one sweep at a time: a second begins only after the first ends, in this process or another', async (t) => {
        const ts = await fresh(t);
        const first = await begin(ts.store);
        assert.equal(await ts.store.beginRetentionSweep(), null);
        const other = ts.store.capabilities.multiProcess ? await ts.openAnother() : ts.store;
        assert.equal(await other.beginRetentionSweep(), null);
        await first.end();
        await first.end();
        const second = await begin(other);
        await second.end();
      });
    });
  }
});

after(() => {
  assert.deepEqual(undroppedTestDatabases(), [], 'every test schema and database was dropped');
});
