// The PostgreSQL store's hot statements, prepared once per connection (the default) against
// sent unnamed (`?prepared_statements=false`), on one database in one run. What is timed is
// what a process does at a steady, modest rate, where each call carries few rows: an empty
// claim (a wake or a poll that finds nothing), a claim of 10 from a backlog, a one-event publish
// and the record of one outcome. Batches of hundreds of rows share a statement's planning, so
// they barely change. Run after `npm run build`: node bench/pgPrepared.mjs
// (HOOKLINE_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres, is the
// server to use; a scratch database is created there and dropped.)
import pg from 'pg';
import { PostgresStore } from '../dist/store/postgres/PostgresStore.js';

const ADMIN_URL = process.env.HOOKLINE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROUNDS = 3;
const CALLS = 400;

const name = `hookline_prepared_${process.pid}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
const withParam = (v) => `${url}${url.search ? '&' : '?'}prepared_statements=${v}&pool_max=1`;

const data = JSON.stringify({ note: 'y'.repeat(900) });
let n = 0;
const event = (leased, owner) => {
  const e = n++;
  return {
    event: { id: `e${e}`, business_id: 'b', type: 't', data, occurred_at: 1, created_at: Date.now() },
    deliveries: [{ id: `d${String(e).padStart(9, '0')}`, webhook_id: `w${e % 100}`, lease_owner: leased ? owner : null, next_attempt_at: leased ? Date.now() + 1e6 : Date.now() }],
  };
};
const outcome = (d, owner) => ({
  attempt: { delivery_id: d.id, number: 1, started_at: 1, duration_ms: 1, status_code: 200, error: null, response_body: 'ok' },
  status: 'succeeded', next_attempt_at: null, lease_owner: owner,
});

async function perCall(fn, calls = CALLS) {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await fn(i);
  return ((performance.now() - t0) * 1000) / calls;
}

async function measure(store, owner) {
  const claim = (limit) => store.claimDue({ owner, now: Date.now(), leaseUntil: Date.now() + 60_000, limit, excludeWebhooks: [] });
  const emptyClaim = await perCall(() => claim(100));
  const held = [];
  const publish = await perCall(async () => held.push(...(await store.publish([event(true, owner)]))[0].deliveries));
  const record = await perCall((i) => store.recordOutcomes([outcome(held[i], owner)], Date.now()));
  await store.publish(Array.from({ length: CALLS * 10 }, () => event(false)));
  const claim10 = await perCall(() => claim(10));
  return { emptyClaim, claim10, publish, record };
}

try {
  const setup = await PostgresStore.open(url.toString());
  await setup.migrate();
  await setup.createBusiness({ id: 'b', name: 'b', created_at: 1 });
  // A log of finished deliveries, so the indexes are not empty.
  for (let i = 0; i < 20; i++) {
    const res = await setup.publish(Array.from({ length: 1000 }, () => event(true, 'setup')));
    await setup.recordOutcomes(res.flatMap((r) => r.deliveries).map((d) => outcome(d, 'setup')), Date.now());
  }
  await setup.close();
  const stores = { prepared: await PostgresStore.open(withParam(true)), unnamed: await PostgresStore.open(withParam(false)) };
  const results = { prepared: [], unnamed: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of round % 2 ? ['unnamed', 'prepared'] : ['prepared', 'unnamed']) results[kind].push(await measure(stores[kind], `${kind}-${round}`));
  }
  for (const s of Object.values(stores)) await s.close();
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`median of ${ROUNDS} rounds of ${CALLS} calls, µs per call (one connection each)`);
  console.log('statement                    unnamed   prepared   unnamed ÷ prepared');
  for (const k of ['emptyClaim', 'claim10', 'publish', 'record']) {
    const u = median(results.unnamed.map((r) => r[k]));
    const p = median(results.prepared.map((r) => r[k]));
    const label = { emptyClaim: 'claim, nothing due', claim10: 'claim 10 of a backlog', publish: 'publish 1 event', record: 'record 1 outcome' }[k];
    console.log(`${label.padEnd(27)} ${u.toFixed(0).padStart(8)} ${p.toFixed(0).padStart(10)}   ${(u / p).toFixed(2)}×`);
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
