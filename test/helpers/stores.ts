import Database from 'better-sqlite3';
import type { TestContext } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../src/store/Store.js';
import { SqliteStore } from '../../src/store/sqlite/SqliteStore.js';
import { openStoreThread } from '../../src/store/thread/StoreThread.js';
import { PostgresStore } from '../../src/store/postgres/PostgresStore.js';
import { createTestDatabase, createTestSchema, probePostgres, queryTestDatabase, type TestDatabase } from './postgres.js';

/** One fresh database for one test, and the stores opened on it. */
export interface TestStore {
  readonly store: Store;
  /** The database URL the stores were opened with. */
  readonly url: string;
  /** Another store on the same database, as a second process would open it. Closed by dispose(). */
  openAnother(): Promise<Store>;
  /** Raw SQL against the test database, for what the Store interface cannot do (purging an event). */
  sql(text: string): Promise<Record<string, unknown>[]>;
  /** Closes every store opened here and removes the database. Safe to call twice. */
  dispose(): Promise<void>;
}

export interface StoreFactory {
  readonly kind: Store['kind'];
  /** How the suites name it: the kind, and how it runs. */
  readonly name: string;
  /** Why this store's cases do not run here, or false when they do. */
  readonly skip: string | false;
  /**
   * A store on an empty database: migrated unless `migrate` is false. `isolation: 'database'`
   * asks PostgreSQL for a whole database instead of a schema (SQLite always has a new file).
   */
  create(opts?: { migrate?: boolean; isolation?: 'schema' | 'database' }): Promise<TestStore>;
}

/** A store on a database of its own for one test, disposed when the test ends. */
export type FreshStore = (t: TestContext, opts?: Parameters<StoreFactory['create']>[0]) => Promise<TestStore>;

/** What each suite over `storeFactories` opens its cases with, so cases can run side by side. */
export function freshStore(factory: StoreFactory): FreshStore {
  return async (t, opts) => {
    const ts = await factory.create(opts);
    t.after(() => ts.dispose());
    return ts;
  };
}

function tracked(url: string, first: Store, open: () => Promise<Store>, sql: TestStore['sql'], remove: () => Promise<void>): TestStore {
  const stores = [first];
  let disposed: Promise<void> | null = null;
  return {
    store: first,
    url,
    async openAnother() {
      const s = await open();
      stores.push(s);
      return s;
    },
    sql,
    dispose() {
      disposed ??= (async () => {
        await Promise.all(stores.map((s) => s.close()));
        await remove();
      })();
      return disposed;
    },
  };
}

function sqliteFactory(thread: boolean): StoreFactory {
  return {
    kind: 'sqlite',
    name: thread ? 'sqlite on its thread' : 'sqlite',
    skip: false,
    async create(opts = {}) {
      const dir = mkdtempSync(join(tmpdir(), 'hookline-store-'));
      const path = join(dir, 'hookline.db');
      const url = `file:${path}`;
      // The server runs the store on a thread of its own; the same contract holds through it.
      const open = async (): Promise<Store> => (thread ? openStoreThread(url) : SqliteStore.open(url));
      const store = await open();
      if (opts.migrate !== false) await store.migrate();
      const sql = async (text: string): Promise<Record<string, unknown>[]> => {
        const db = new Database(path);
        try {
          const stmt = db.prepare(text);
          if (stmt.reader) return stmt.all() as Record<string, unknown>[];
          stmt.run();
          return [];
        } finally {
          db.close();
        }
      };
      return tracked(url, store, open, sql, async () => rmSync(dir, { recursive: true, force: true }));
    },
  };
}

function postgresFactory(skip: string | false): StoreFactory {
  return {
    kind: 'postgres',
    name: 'postgres',
    skip,
    async create(opts = {}) {
      const db: TestDatabase = opts.isolation === 'database' ? await createTestDatabase() : await createTestSchema();
      // Small pools: a test needs a few connections, and the suite must not exhaust the server.
      const url = `${db.url}&pool_max=4`;
      const open = async (): Promise<Store> => PostgresStore.open(url, { onBackgroundError: () => undefined });
      let store: Store | undefined;
      try {
        store = await open();
        if (opts.migrate !== false) await store.migrate();
      } catch (err) {
        await store?.close();
        await db.drop();
        throw err;
      }
      return tracked(url, store, open, (text) => queryTestDatabase(db.url, text), () => db.drop());
    },
  };
}

const pgAvailability = await probePostgres();

/** Every store the contract suite runs against. */
export const storeFactories: readonly StoreFactory[] = [
  sqliteFactory(false),
  sqliteFactory(true),
  postgresFactory(pgAvailability.available ? false : pgAvailability.reason),
];
