import pg from 'pg';
import { isRetryableConflict, isUnavailable, toStoreError } from './storeErrors.js';
import { PreparedStatement } from './PreparedStatement.js';

/** A statement's text, or a hot statement the server may keep prepared. */
export type Sql = string | PreparedStatement;

/** What a statement needs to run: the store's pool, or a caller's own connection (src/library/publish.ts). */
export interface PgQueryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: Sql, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface PgSession {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** `destroy` closes the connection instead of returning it to the pool. */
  release(destroy?: boolean): void;
}

/**
 * The pool every store method goes through. Each call either resolves or rejects with a
 * catalogued error; a dead connection never surfaces as an `error` event nobody listens to.
 *
 * The hot statements (`PreparedStatement`) are sent named, so each connection parses and
 * plans them once; everything else is sent unnamed. `preparedStatements: false` (the URL's
 * `prepared_statements=false`) sends every statement unnamed, for a connection pooler that
 * cannot keep prepared statements (PgBouncer before 1.21 in transaction mode).
 */
export class PgDatabase implements PgQueryable {
  readonly pool: pg.Pool;
  private ended: Promise<void> | null = null;

  constructor(
    readonly config: pg.PoolConfig,
    private readonly onBackgroundError: (err: Error) => void,
    private readonly preparedStatements = true,
  ) {
    this.pool = new pg.Pool(config);
    // An idle client's connection can die (server restart, failover, a firewall timing it
    // out). pg-pool drops that client and emits here; without a listener it would crash us.
    this.pool.on('error', (err) => this.onBackgroundError(err));
  }

  private toQuery(sql: Sql, params: unknown[] | undefined): pg.QueryConfig {
    if (typeof sql === 'string') return { text: sql, values: params };
    return this.preparedStatements ? { name: sql.name, text: sql.text, values: params } : { text: sql.text, values: params };
  }

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: Sql, params?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.queryRetrying<R>(sql, params, 1);
  }

  /**
   * For single statements that can lose a race with a concurrent writer (a duplicate key
   * from two processes numbering the same attempt, a deadlock between overlapping batches):
   * the statement is atomic, so running it again is safe and sees the other's commit.
   */
  async queryRetrying<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: Sql, params: unknown[] | undefined, tries = 3): Promise<pg.QueryResult<R>> {
    const query = this.toQuery(sql, params);
    for (let i = 1; ; i++) {
      try {
        return await this.pool.query<R>(query);
      } catch (err) {
        if (i >= tries || !isRetryableConflict(err)) throw toStoreError(err);
      }
    }
  }

  async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw toStoreError(err);
    }
    // While checked out the pool's own listener is detached; a connection dying between two
    // statements of this transaction would otherwise be an unhandled `error` event.
    let broken: Error | undefined;
    const onError = (err: Error): void => {
      broken = err;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      if (!broken) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackErr) {
          broken = rollbackErr as Error;
        }
      }
      throw toStoreError(err);
    } finally {
      client.off('error', onError);
      // Releasing with an error destroys the connection instead of pooling a broken one.
      client.release(broken);
    }
  }

  /**
   * One connection for a caller that needs session state across statements (a session-level
   * advisory lock). Queries map errors like `query`; `release` destroys the connection
   * instead of pooling it if it broke meanwhile.
   */
  async session(): Promise<PgSession> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw toStoreError(err);
    }
    let broken: Error | undefined;
    const onError = (err: Error): void => {
      broken = err;
    };
    client.on('error', onError);
    let released = false;
    return {
      async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
        try {
          return await client.query<R>(sql, params);
        } catch (err) {
          broken ??= isUnavailable(err) ? (err as Error) : undefined;
          throw toStoreError(err);
        }
      },
      release(destroy = false): void {
        if (released) return;
        released = true;
        client.off('error', onError);
        client.release(broken ?? (destroy ? new Error('session closed on purpose') : undefined));
      },
    };
  }

  /** Safe to call twice; later calls wait for the first. */
  close(): Promise<void> {
    this.ended ??= this.pool.end();
    return this.ended;
  }
}
