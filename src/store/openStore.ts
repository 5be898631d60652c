import type { Store, StoreOptions } from './Store.js';
import { SqliteStore } from './sqlite/SqliteStore.js';
import { openStoreThread } from './thread/StoreThread.js';
import { HooklineError } from '../errors.js';

/** Picks the store from the database URL; PostgreSQL is loaded only when asked for. */
export async function openStore(
  databaseUrl: string,
  opts: StoreOptions & { thread?: boolean; onThreadDeath?: (err: Error) => void } = {},
): Promise<Store> {
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
  // PostgreSQL does its work in the server; SQLite does it in this process, so it gets a thread.
  if (opts.thread) return openStoreThread(databaseUrl, opts.onThreadDeath);
  return SqliteStore.open(databaseUrl);
}
