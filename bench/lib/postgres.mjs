// A fresh PostgreSQL database for each Hookline run, dropped afterwards, so no run inherits
// another's tables, bloat or cache.
import pg from 'pg';
import { randomBytes } from 'node:crypto';

export const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(sql) {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function postgresReachable() {
  try {
    await admin('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

export async function createDatabase() {
  const name = `hookline_bench_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  return { name, url: `postgres://postgres@127.0.0.1:5432/${name}`, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * Whether the server runs autovacuum. Without it (the shared test server here has it off) the
 * growing tables are never analysed, and a statement prepared while they were empty keeps its
 * empty-table plan: the publish statement's look-up of repeated events became a sequential
 * scan of `events` on every publish.
 */
export async function autovacuumIsOn() {
  return (await admin('SHOW autovacuum')).rows[0].autovacuum === 'on';
}

/**
 * Stands in for autovacuum's ANALYZE while it is off: analyses the hot tables of `url` every
 * `ms` (a fresh plan for every prepared statement that reads them). Returns the way to stop.
 */
export function analyzeWhileRunning(url, ms = 10_000) {
  let stopped = false;
  let running = Promise.resolve();
  const tick = async () => {
    const client = new pg.Client({ connectionString: url.split('?')[0], connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('ANALYZE events, deliveries, attempts');
    } catch {
      // the database is being dropped, or busy: the next tick tries again
    } finally {
      await client.end().catch(() => {});
    }
  };
  const timer = setInterval(() => {
    if (!stopped) running = tick();
  }, ms);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
