import type Database from 'better-sqlite3';

/**
 * A SQLite connection and its statements, each prepared once on first use and reused: what
 * the parts of the SQLite store (webhooks.ts, tokens.ts, processes.ts, flowControl.ts) run
 * their statements through, as those of the PostgreSQL store go through PgDatabase.
 */
export class SqliteDatabase {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(readonly connection: Database.Database) {}

  stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.connection.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /**
   * Runs `fn` in one transaction that takes the write lock first (BEGIN IMMEDIATE): one that
   * read first and wrote later would fail at once with SQLITE_BUSY, without waiting, if another
   * connection committed in between.
   */
  write<T>(fn: () => T): T {
    return this.connection.transaction(fn).immediate();
  }
}
