import type pg from 'pg';
import type { PgQueryable, Sql } from '../store/postgres/PgDatabase.js';
import { types } from '../store/postgres/poolConfig.js';

/**
 * The part of a `pg` client that publish uses: `pg.Client` and a pool's client both have it.
 * Written out rather than imported so that a program on another minor version of pg, or
 * without @types/pg, can still pass its client.
 */
export interface PostgresClient {
  query(config: { text: string; values?: unknown[]; types?: unknown }): Promise<{ rows: unknown[] }>;
}

export interface CallerConnection extends PgQueryable {
  /** Points search_path at `schema` until the returned function puts the old one back. */
  useSchema(schema: string): Promise<() => Promise<void>>;
}

/**
 * The store's statements, run on a connection Hookline does not own. Statements go unnamed (the
 * caller's connection may pass through a pooler that cannot keep prepared ones), with the
 * store's own type parsing per query, so bigint times come back as numbers without touching the
 * caller's global pg settings.
 */
export function callerConnection(client: PostgresClient): CallerConnection {
  const query = async <R extends pg.QueryResultRow>(sql: Sql, params?: unknown[]): Promise<pg.QueryResult<R>> =>
    (await client.query({ text: typeof sql === 'string' ? sql : sql.text, values: params ?? [], types })) as pg.QueryResult<R>;
  return {
    query,
    async useSchema(schema) {
      const before = (await query<{ path: string }>("SELECT current_setting('search_path') AS path")).rows[0]!.path;
      // Session-level, not SET LOCAL: it must hold in autocommit too. Inside a transaction that
      // then rolls back, PostgreSQL undoes the change itself.
      await query("SELECT set_config('search_path', quote_ident($1), false)", [schema]);
      return async () => {
        try {
          await query("SELECT set_config('search_path', $1, false)", [before]);
        } catch {
          // The transaction failed (the error that failed it is the one the caller sees); its rollback restores the path.
        }
      };
    },
  };
}
