import type { Store, StoreOptions } from './Store.js';
import { SqliteStore, sqlitePath } from './sqlite/SqliteStore.js';
import { lockDatabaseFile } from './sqlite/DatabaseFileLock.js';
import { openStoreThread } from './thread/StoreThread.js';
import { HooklineError } from '../errors.js';

export interface OpenStoreOptions extends StoreOptions {
  thread?: boolean;
  onThreadDeath?: (err: Error) => void;
  /**
   * This process will hold and send deliveries (`serve`, `worker`). A store that serves one
   * process (SQLite) is then locked for this process until `close`, and opening it fails
   * with DATABASE_IN_USE while another holds it. Tools that only read or migrate leave it unset.
   */
  exclusive?: boolean;
}

/** Picks the store from the database URL; PostgreSQL is loaded only when asked for. */
export async function openStore(databaseUrl: string, opts: OpenStoreOptions = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    let mod: { PostgresStore: { open(url: string, opts: StoreOptions): Promise<Store> } };
    try {
      // A variable specifier keeps the SQLite-only build from needing the PostgreSQL module.
      const specifier = './postgres/PostgresStore.js';
      mod = (await import(specifier)) as typeof mod;
    } catch (err) {
      throw new HooklineError('CONFIG_INVALID', `PostgreSQL support is not available in this build: ${(err as Error).message}`);
    }
    return mod.PostgresStore.open(databaseUrl, opts);
  }
  const path = sqlitePath(databaseUrl);
  const lock = opts.exclusive && path !== ':memory:' ? lockDatabaseFile(path) : null;
  let store: Store;
  try {
    // PostgreSQL does its work in the server; SQLite does it in this process, so it gets a thread.
    store = opts.thread ? await openStoreThread(databaseUrl, opts.onThreadDeath) : SqliteStore.open(databaseUrl);
  } catch (err) {
    lock?.release();
    throw err;
  }
  if (!lock) return store;
  const close = store.close.bind(store);
  store.close = async () => {
    try {
      await close();
    } finally {
      lock.release();
    }
  };
  return store;
}
