import { after, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { SvixRecord } from '../src/store/Store.js';
import { storeFactories, type StoreFactory, type TestStore } from './helpers/stores.js';
import { undroppedTestDatabases } from './helpers/postgres.js';

/**
 * The Svix half of the store contract (issue 15, migration 0009), for every store: records
 * are kept per kind and scope, uids are unique within a scope, lists page newest first, and
 * old records of a kind can be purged.
 */

const T0 = 1_700_000_000_000;

function record(over: Partial<SvixRecord> & Pick<SvixRecord, 'id'>): SvixRecord {
  return { kind: 'endpoint', scope: 'b1', uid: null, body: '{}', created_at: T0, updated_at: T0, ...over };
}

describe('Store contract: Svix records (issue 15)', { concurrency: true }, () => {
  for (const factory of storeFactories) {
    describe(factory.name, { skip: factory.skip, concurrency: 4 }, () => {
      const fresh = async (t: TestContext, opts?: Parameters<StoreFactory['create']>[0]): Promise<TestStore> => {
        const ts = await factory.create(opts);
        t.after(() => ts.dispose());
        return ts;
      };

      test('a record is read back by id and by uid; replacing it keeps its created_at; deleting it says whether it was there', async (t) => {
        const { store } = await fresh(t);
        assert.equal(await store.putSvixRecord(record({ id: 'wh_1', uid: 'main', body: '{"description":"a"}' })), true);
        assert.equal(await store.putSvixRecord(record({ id: 'wh_1', uid: 'primary', body: '{"description":"b"}', created_at: T0 + 5, updated_at: T0 + 5 })), true);
        const [got] = await store.getSvixRecords('endpoint', 'b1', ['wh_1', 'wh_missing']);
        assert.deepEqual(got, record({ id: 'wh_1', uid: 'primary', body: '{"description":"b"}', updated_at: T0 + 5 }));
        assert.deepEqual(await store.findSvixRecordByUid('endpoint', 'b1', 'primary'), got);
        assert.equal(await store.findSvixRecordByUid('endpoint', 'b1', 'main'), null, 'the old uid is free');
        assert.deepEqual(await store.getSvixRecords('endpoint', 'b1', []), []);
        assert.deepEqual(await store.getSvixRecords('endpoint', 'b2', ['wh_1']), [], 'another scope does not see it');
        assert.deepEqual(await store.getSvixRecords('message', 'b1', ['wh_1']), [], 'nor another kind');
        assert.equal(await store.deleteSvixRecord('endpoint', 'b1', 'wh_1'), true);
        assert.equal(await store.deleteSvixRecord('endpoint', 'b1', 'wh_1'), false);
      });

      test('a uid is unique within its kind and scope: a second holder is refused and nothing is written', async (t) => {
        const { store } = await fresh(t);
        assert.equal(await store.putSvixRecord(record({ id: 'wh_1', uid: 'main' })), true);
        assert.equal(await store.putSvixRecord(record({ id: 'wh_2', uid: 'main' })), false);
        assert.deepEqual(await store.getSvixRecords('endpoint', 'b1', ['wh_2']), []);
        assert.equal(await store.putSvixRecord(record({ id: 'wh_2', uid: 'main', scope: 'b2' })), true, 'another scope may use it');
        assert.equal(await store.putSvixRecord(record({ id: 'wh_3', uid: 'main', kind: 'app' })), true, 'so may another kind');
        assert.equal(await store.putSvixRecord(record({ id: 'wh_4' })), true, 'records without a uid never collide');
        assert.equal(await store.putSvixRecord(record({ id: 'wh_5' })), true);
      });

      test('a list pages newest first (created_at, then id) and walks every record once', async (t) => {
        const { store } = await fresh(t);
        const ids = ['m-a', 'm-b', 'm.c:1', 'm-d', 'm-e'];
        for (const [i, id] of ids.entries()) await store.putSvixRecord(record({ kind: 'message', id, created_at: T0 + Math.floor(i / 2) }));
        await store.putSvixRecord(record({ kind: 'message', scope: 'b2', id: 'elsewhere' }));
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages < 10; pages++) {
          const page = await store.listSvixRecords('message', 'b1', { cursor, limit: 2 });
          seen.push(...page.data.map((r) => r.id));
          if (!page.next_cursor) break;
          cursor = page.next_cursor;
        }
        assert.deepEqual(seen, ['m-e', 'm.c:1', 'm-d', 'm-b', 'm-a']);
        await assert.rejects(store.listSvixRecords('message', 'b1', { cursor: 'not-a-cursor', limit: 2 }), { code: 'INVALID_CURSOR' });
      });

      test('purging removes the records of one kind created before a time, and nothing else', async (t) => {
        const { store } = await fresh(t);
        await store.putSvixRecord(record({ kind: 'idempotency', scope: 'admin', id: 'old', created_at: T0 }));
        await store.putSvixRecord(record({ kind: 'idempotency', scope: 'admin', id: 'new', created_at: T0 + 100 }));
        await store.putSvixRecord(record({ kind: 'message', id: 'msg-old', created_at: T0 }));
        assert.equal(await store.purgeSvixRecords('idempotency', T0 + 50), 1);
        assert.deepEqual((await store.getSvixRecords('idempotency', 'admin', ['old', 'new'])).map((r) => r.id), ['new']);
        assert.equal((await store.getSvixRecords('message', 'b1', ['msg-old'])).length, 1);
      });
    });
  }
});

after(() => {
  assert.deepEqual(undroppedTestDatabases(), [], 'every test schema and database was dropped');
});
