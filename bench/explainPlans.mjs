#!/usr/bin/env node
// Query plans at 10 million deliveries (issue 4): fills a fresh PostgreSQL database (dropped
// afterwards) and/or a SQLite file, then shows how the hot statements and the delivery-log
// queries run. The SQL explained is the stores' own (imported from dist/), so run
// `npm run build` first. Results go to stdout as Markdown; docs/architecture.md keeps the
// useful lines under "Query plans at 10 million rows".
//
//   node bench/explainPlans.mjs [--rows 10000000] [--postgres] [--sqlite]
//   HOOKLINE_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres (the default)
import { parseArgs } from 'node:util';
import { explainPostgres } from './explain/postgres.mjs';
import { explainSqlite } from './explain/sqlite.mjs';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    postgres: { type: 'boolean', default: false },
    sqlite: { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
if (!Number.isInteger(rows) || rows < 1000 || rows % 2 !== 0) throw new Error('--rows must be an even whole number of at least 1000');
const both = !values.postgres && !values.sqlite;

// Shape of the data, shared by both stores so their plans compare:
//   1,000 webhooks; business "big" owns 200 of them (20% of all rows), 80 others own 10 each;
//   rows/2 events, each delivered to two webhooks of its business; created over 60 days;
//   the newest 2 hours are due (a backlog for the claim), 5% of the last 3 days are retrying,
//   3% failed, one in 100,003 parked (pending, never due), the rest succeeded;
//   attempts: 1 per succeeded delivery, 2 per retrying, 4 per failed.
const shape = { rows, now: Date.now(), spanMs: 60 * 86_400_000 };

if (both || values.postgres) await explainPostgres(shape);
if (both || values.sqlite) await explainSqlite(shape);
