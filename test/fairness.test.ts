import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { startReceiver } from './helpers/receiver.js';
import { hangsForever, type Hostile } from './helpers/hostileReceivers.js';
import { sleep, until } from './helpers/wait.js';
import { createTestSchema, probePostgres, type TestDatabase } from './helpers/postgres.js';

const pgReady = await probePostgres();

/**
 * Issue 12, section 1: one business must not stall the others. Every receiver is real (loopback),
 * every hung attempt holds a real socket, and the in-flight figures are the dispatcher's own.
 */

type Overrides = Parameters<typeof startTestHookline>[0];

async function hookline(t: TestContext, overrides: Overrides = {}): Promise<TestInstance> {
  // Stopping does not wait for the hung attempts' 60 s deadlines. The operator's bounds are at
  // their most permissive, so a hostile business asks for as much as any configuration allows.
  const hl = await startTestHookline({ shutdownGraceMs: 0, maxWebhookInFlight: 1000, maxWebhookTimeoutMs: 60_000, ...overrides });
  t.after(() => hl.stop());
  return hl;
}

async function hung(t: TestContext): Promise<Hostile> {
  const h = await hangsForever();
  t.after(() => h.close());
  return h;
}

interface Hook {
  url: string;
  events: string[];
  max_in_flight?: number;
  timeout_ms?: number;
  retry_schedule?: number[];
}

async function business(hl: TestInstance, id: string, hooks: Hook[]): Promise<void> {
  assert.equal((await hl.api('POST', '/v1/businesses', { id, name: id })).status, 201);
  for (const h of hooks) {
    const r = await hl.api('POST', `/v1/businesses/${id}/webhooks`, h);
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
}

async function publish(hl: TestInstance, b: string, type: string, count: number, prefix: string): Promise<void> {
  for (let i = 0; i < count; i += 500) {
    const events = Array.from({ length: Math.min(500, count - i) }, (_, j) => ({ id: `${prefix}-${i + j}`, type, data: { n: i + j } }));
    const r = await hl.api('POST', `/v1/businesses/${b}/events/batch`, { events });
    assert.equal(r.status, 202, JSON.stringify(r.body));
  }
}

/** The dispatcher's own count of attempts in flight and deliveries held, from the admin overview. */
async function queue(hl: TestInstance): Promise<{ in_flight: number; held: number }> {
  const r = await hl.api<{ queue: { in_flight: number; held: number } }>('GET', '/v1/overview');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.queue;
}
const inFlight = async (hl: TestInstance): Promise<number> => (await queue(hl)).in_flight;

/** Publishes `count` events in one request and returns each one's time from the publish call to its arrival. */
async function timedRound(hl: TestInstance, b: string, rx: Awaited<ReturnType<typeof startReceiver>>, count: number, prefix: string): Promise<number[]> {
  const before = rx.received.length;
  const started = Date.now();
  await publish(hl, b, 'invoice/paid', count, prefix);
  await rx.waitFor(before + count, 15_000);
  return rx.received.slice(before, before + count).map((r) => r.at - started);
}

const p99 = (ms: number[]): number => [...ms].sort((a, b) => a - b)[Math.ceil(ms.length * 0.99) - 1]!;

test('issue 12: business A with hung endpoints holding every socket it can does not stall business B: B\u2019s 20 events arrive within 1 s (p99), as without A', { timeout: 60_000 }, async (t) => {
  const hl = await hookline(t);
  const rx = await startReceiver();
  t.after(() => rx.close());
  await business(hl, 'b-healthy', [{ url: rx.url, events: ['invoice/paid'] }]);
  await timedRound(hl, 'b-healthy', rx, 1, 'warm-up');
  const alone = await timedRound(hl, 'b-healthy', rx, 20, 'alone');

  // Three hung webhooks with the largest max_in_flight and timeout a business may ask for.
  const h = await hung(t);
  const hooks = [1, 2, 3].map(() => ({ url: h.url, events: ['client/created'], max_in_flight: 1000, timeout_ms: 60_000 }));
  await business(hl, 'a-hung', hooks);
  await publish(hl, 'a-hung', 'client/created', 400, 'hung');
  await until('A holds the whole pool of 256 with open sockets', async () => (await inFlight(hl)) >= 256 && h.requests >= 256, 15_000);

  const beside = await timedRound(hl, 'b-healthy', rx, 20, 'beside');
  t.diagnostic(`B's 20 events, p99: ${p99(alone)} ms without A, ${p99(beside)} ms while A holds ${h.requests} hung sockets`);
  assert.ok(p99(beside) < 1000, `B's events took up to ${p99(beside)} ms beside A (alone: ${p99(alone)} ms)`);
  assert.ok(h.requests >= 256, 'A still held its sockets while B was served');
  const stretched = await inFlight(hl);
  assert.ok(stretched <= 512, `the pool stretched to ${stretched}, past twice its size`);
});

test('issue 12: a webhook with max_in_flight 1000 hanging does not stall another webhook of the same business', { timeout: 30_000 }, async (t) => {
  const hl = await hookline(t, { maxInFlight: 64 });
  const h = await hung(t);
  const rx = await startReceiver();
  t.after(() => rx.close());
  await business(hl, 'one', [
    { url: h.url, events: ['client/created'], max_in_flight: 1000, timeout_ms: 60_000 },
    { url: rx.url, events: ['invoice/paid'] },
  ]);
  await publish(hl, 'one', 'client/created', 300, 'hung');
  await until('the hung webhook holds the whole pool', async () => h.requests >= 64, 10_000);
  const took = await timedRound(hl, 'one', rx, 20, 'healthy');
  t.diagnostic(`the healthy webhook's 20 events, p99 ${p99(took)} ms beside ${h.requests} hung attempts`);
  assert.ok(p99(took) < 1000, `the healthy webhook's events took up to ${p99(took)} ms`);
});

test('a lone business still gets the whole pool, and idle capacity goes to whoever has work', { timeout: 30_000 }, async (t) => {
  const hl = await hookline(t, { maxInFlight: 64 });
  const lone = await hung(t);
  await business(hl, 'lone', [{ url: lone.url, events: ['client/created'], max_in_flight: 1000, timeout_ms: 60_000 }]);
  await publish(hl, 'lone', 'client/created', 200, 'lone');
  await until('the lone business has all 64 slots', async () => lone.requests >= 64, 10_000);
  await sleep(300);
  assert.equal(lone.requests, 64, 'alone, a business gets the whole pool and no more');
  assert.equal(await inFlight(hl), 64);

  // A second business that needs only 5 slots takes 5 and leaves the rest where it is used:
  // neither business is held to half the pool while the other cannot use it.
  const small = await hung(t);
  await business(hl, 'small', [{ url: small.url, events: ['client/created'], max_in_flight: 5, timeout_ms: 60_000 }]);
  await publish(hl, 'small', 'client/created', 50, 'small');
  await until('the small business has its 5 slots', async () => small.requests >= 5, 10_000);
  await sleep(300);
  assert.equal(small.requests, 5);
  assert.equal(lone.requests, 64, 'the first business keeps its 64 (none is taken back), and the pool stretched by the 5 only');
  assert.equal(await inFlight(hl), 69);
});

/**
 * A budget of 100 deliveries held in memory and 50 attempts at once: business A's first 100
 * hung deliveries spend both; its next 200 wait in the store, due before anything of B's.
 */
async function backlogDoesNotCrowdTheClaim(t: TestContext, db?: TestDatabase): Promise<void> {
  const hl = await hookline(t, { maxHeld: 100, maxInFlight: 50, ...(db ? { databaseUrl: db.url } : {}) });
  // After hooks run in the order they were added: the server stops before its schema goes.
  if (db) t.after(() => db.drop());
  const h = await hung(t);
  await business(hl, 'a-backlog', [{ url: h.url, events: ['client/created'], max_in_flight: 1000, timeout_ms: 60_000 }]);
  await publish(hl, 'a-backlog', 'client/created', 100, 'a1');
  await until('A holds the pool', async () => h.requests >= 50, 10_000);
  await publish(hl, 'a-backlog', 'client/created', 200, 'a2');
  assert.equal((await queue(hl)).held, 100, 'A holds the whole memory budget, and the rest of its backlog is in the store');

  // Four of B's deliveries fail once (500) and are retried a second later, through the claim
  // (four, so that five failures in a row do not open B's circuit).
  const seen = new Set<string>();
  const rx = await startReceiver((r, res) => {
    const id = r.headers['webhook-id'] as string;
    const failsOnce = Number(id.split('-')[1]) % 5 === 0 && !seen.has(id);
    seen.add(id);
    res.statusCode = failsOnce ? 500 : 200;
    res.end();
  });
  t.after(() => rx.close());
  await business(hl, 'b-retries', [{ url: rx.url, events: ['invoice/paid'], retry_schedule: [1] }]);
  const started = Date.now();
  await publish(hl, 'b-retries', 'invoice/paid', 20, 'b');
  await rx.waitFor(24, 10_000);
  const took = Date.now() - started;
  t.diagnostic(`B's 20 deliveries, 4 of them retried through the claim, all done in ${took} ms beside A's backlog`);
  assert.ok(took < 4000, `took ${took} ms`);
  const after = await queue(hl);
  t.diagnostic(`A: ${h.requests} requests; in flight ${after.in_flight}, held ${after.held}`);
  assert.equal(h.requests, 50, 'A got no more attempts out of it');
  assert.ok(after.held <= 100 + 20, `A's backlog stayed in the store (held ${after.held})`);
}

test('issue 12: a hung business\u2019s backlog beyond the memory budget does not crowd another business out of the claim', { timeout: 30_000 }, async (t) => {
  await backlogDoesNotCrowdTheClaim(t);
});

test('issue 12, PostgreSQL: a hung business\u2019s backlog beyond the memory budget does not crowd another business out of the claim', { skip: pgReady.available ? false : pgReady.reason, timeout: 30_000 }, async (t) => {
  await backlogDoesNotCrowdTheClaim(t, await createTestSchema());
});

test('issue 12: under contention each business gets half the pool, whatever its number of webhooks', { timeout: 30_000 }, async (t) => {
  const hl = await hookline(t, { maxInFlight: 20 });
  /**
   * A receiver that answers every request after 300 ms and counts what it has open: from the
   * request's arrival to the moment it answers. Counting until the response's 'close' instead let
   * a busy machine see the next attempt arrive before the last one's close had run, and report
   * more open than the sender ever had in flight.
   */
  const slow = async () => {
    const state = { open: 0, most: 0 };
    const rx = await startReceiver((_r, res) => {
      state.open++;
      state.most = Math.max(state.most, state.open);
      let answered = false;
      const answer = (): void => {
        if (answered) return;
        answered = true;
        state.open--;
      };
      const timer = setTimeout(() => {
        answer();
        res.end('ok');
      }, 300);
      res.on('close', () => {
        clearTimeout(timer);
        answer();
      });
    });
    t.after(() => rx.close());
    return Object.assign(rx, { state });
  };
  const a = await Promise.all([1, 2, 3, 4].map(() => slow()));
  const b = await slow();
  await business(hl, 'many-hooks', a.map((rx) => ({ url: rx.url, events: ['invoice/paid'], max_in_flight: 1000 })));
  await business(hl, 'one-hook', [{ url: b.url, events: ['invoice/paid'], max_in_flight: 1000 }]);
  await publish(hl, 'many-hooks', 'invoice/paid', 200, 'a');
  await publish(hl, 'one-hook', 'invoice/paid', 300, 'b');
  // B's first attempts stretch the pool while A's first 20 end; then both hold their half.
  await sleep(900);
  const count = (): [number, number] => [a.reduce((n, rx) => n + rx.received.length, 0), b.received.length];
  const [a0, b0] = count();
  let most = 0;
  for (let i = 0; i < 20; i++) {
    await sleep(100);
    most = Math.max(most, a.reduce((n, rx) => n + rx.state.open, 0) + b.state.open);
  }
  const [a1, b1] = count();
  t.diagnostic(`in 2 s: the business with 4 webhooks got ${a1 - a0} requests, the one with 1 webhook ${b1 - b0}; at most ${most} open at once`);
  const ratio = (b1 - b0) / (a1 - a0);
  assert.ok(ratio > 0.7 && ratio < 1.4, `the one-webhook business got ${ratio.toFixed(2)} of the other's attempts (4 webhooks against 1 used to get it a quarter)`);
  // Past the pool only by design: a webhook with nothing in flight for STARVED_MS while the pool
  // is full may start one attempt anyway, so at most one more per webhook (five here). On a
  // loaded machine the event loop's own delays make that happen (23 were seen under CI).
  assert.ok(most <= 20 + 5, `${most} attempts were open at once with a pool of 20 and five webhooks`);
});
