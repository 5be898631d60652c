import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Where the PostgreSQL half of the store contract runs. The URL must reach a database whose
 * user may CREATE SCHEMA and CREATE DATABASE; every test gets its own schema (or database)
 * and drops it afterwards.
 */
export const POSTGRES_TEST_URL = process.env.HOOKLINE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type PostgresAvailability = { available: true; url: string } | { available: false; reason: string };

/**
 * Probes the server once. Unreachable on a developer machine: the PostgreSQL cases are skipped
 * with a message saying how to run them. Unreachable in CI (`CI` set): an error, because the
 * CI machine has PostgreSQL and a silent skip there would hide a broken store.
 */
export async function probePostgres(): Promise<PostgresAvailability> {
  const client = new pg.Client({ connectionString: POSTGRES_TEST_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { available: true, url: POSTGRES_TEST_URL };
  } catch (err) {
    const why = `PostgreSQL is not reachable at ${redact(POSTGRES_TEST_URL)} (${(err as Error).message || (err as { code?: string }).code})`;
    if (process.env.CI) {
      throw new Error(`${why}. CI must run the PostgreSQL store contract; start PostgreSQL or set HOOKLINE_TEST_POSTGRES_URL.`);
    }
    const reason = `${why}: PostgreSQL store cases skipped. To run them, start PostgreSQL or set HOOKLINE_TEST_POSTGRES_URL=postgres://user@host:5432/db`;
    process.stderr.write(`\n[store contract] ${reason}\n\n`);
    return { available: false, reason };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_TEST_URL });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const created = new Set<string>();

/** Names still present are leaks; the contract suite checks this is empty at the end. */
export function undroppedTestDatabases(): string[] {
  return [...created];
}

const freshName = (): string => `hookline_test_${process.pid}_${randomBytes(5).toString('hex')}`;

export interface TestDatabase {
  /** A URL that lands in the fresh schema or database, tagged with `application_name` = name. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh schema (about 5 ms, against 300 ms for a database) reached through `search_path`
 * in the URL's `options`, so the store under test sees an empty database.
 */
export async function createTestSchema(): Promise<TestDatabase> {
  const name = freshName();
  await admin((c) => c.query(`CREATE SCHEMA ${name}`));
  created.add(name);
  const url = new URL(POSTGRES_TEST_URL);
  const options = url.searchParams.get('options');
  url.searchParams.set('options', `${options ? options + ' ' : ''}-c search_path=${name}`);
  url.searchParams.set('application_name', name);
  return {
    url: url.toString(),
    name,
    async drop() {
      await admin((c) => c.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`));
      created.delete(name);
    },
  };
}

/** A whole fresh database, for what a schema cannot show (the database-wide migration lock). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = freshName();
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  created.add(name);
  const url = new URL(POSTGRES_TEST_URL);
  url.pathname = `/${name}`;
  url.searchParams.set('application_name', name);
  return {
    url: url.toString(),
    name,
    async drop() {
      // FORCE ends sessions a failed test may have left behind (PostgreSQL 13+).
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      created.delete(name);
    },
  };
}

/** Runs SQL on a test database's URL (one session: several statements may share its settings) and returns the last statement's rows. */
export async function queryTestDatabase(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const result: pg.QueryResult | pg.QueryResult[] = await client.query(sql);
    return (Array.isArray(result) ? result[result.length - 1]! : result).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}
