import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { startReceiver } from './helpers/receiver.js';
import { startListen, type ListenProcess } from './helpers/listenProcess.js';
import { newBusiness } from './helpers/businesses.js';
import { until } from './helpers/wait.js';
import { runCli } from './helpers/runCli.js';
import { verifyWebhook } from '../src/verify/index.js';
import type { ApiAccepted, ApiDelivery, ApiDeliveryDetail, ApiIssuedToken, ApiListedWebhook, ApiListener, ApiPage, ApiProblem } from './helpers/apiShapes.js';

/**
 * Issue 17 §1: `hookline listen` against a real server that may not reach private networks,
 * forwarding to a real receiver on loopback, the CLI a real child process.
 */

let hl: TestInstance;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const running: ListenProcess[] = [];

before(async () => {
  // No private networks: the server itself never connects to the receiver on loopback.
  hl = await startTestHookline({ allowPrivateNetworks: false });
  receiver = await startReceiver((_r, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks from localhost'));
});
after(async () => {
  for (const p of running) p.child.kill('SIGKILL');
  await hl.stop();
  await receiver.close();
});

function listen(business: string, token: string, ...args: string[]): ListenProcess {
  const p = startListen(['--business', business, '--forward-to', `${receiver.url}/hooks/${business}`, ...args], { HOOKLINE_URL: hl.url, HOOKLINE_TOKEN: token });
  running.push(p);
  return p;
}

async function businessToken(b: string): Promise<string> {
  return (await hl.api<ApiIssuedToken>('POST', `/v1/businesses/${b}/tokens`)).body.token;
}

const publish = async (b: string, id: string, type = 'client/created'): Promise<string> =>
  (await hl.api<ApiAccepted>('POST', `/v1/businesses/${b}/events`, { type, id, data: { id, first_name: 'Ada' } })).body.id;

const arrivedFor = (b: string) => receiver.received.filter((r) => r.url === `/hooks/${b}`);

const deliveryOf = async (b: string, eventId: string): Promise<ApiDeliveryDetail> => {
  const list = await hl.api<ApiPage<ApiDelivery>>('GET', `/v1/businesses/${b}/deliveries?event_id=${eventId}`);
  return (await hl.api<ApiDeliveryDetail>('GET', `/v1/businesses/${b}/deliveries/${list.body.data[0]!.id}`)).body;
};

test('journey: a business token listens; deliveries arrive signed, the log shows the local answer, Ctrl-C removes the listener', async () => {
  const b = await newBusiness(hl.api);
  const p = listen(b, await businessToken(b), '--events', 'client/*');
  const { listener, secret } = await p.ready();

  const eventId = await publish(b, 'evt-journey-1');
  await until('the receiver got the delivery', async () => arrivedFor(b).length === 1);
  const got = arrivedFor(b)[0]!;
  // Signed exactly as a normal delivery: the receiver's library verifies it with the printed secret.
  const verified = verifyWebhook('standard', got.body, got.headers as Record<string, string>, secret);
  assert.equal(verified.id, eventId);
  assert.equal(got.headers['content-type'], 'application/json');
  assert.match(String(got.headers['user-agent']), /^Hookline\//);

  // A type outside the listener's filter is not delivered to it.
  const other = await hl.api<ApiAccepted>('POST', `/v1/businesses/${b}/events`, { type: 'invoice/paid', data: { id: 'inv-1' } });
  assert.equal(other.body.deliveries, 0);

  await until('the CLI printed the delivery', async () => p.lines().length === 1);
  const line = p.lines()[0]!;
  assert.deepEqual([line.type, line.event_id, line.status_code, line.error, line.attempt], ['client/created', eventId, 200, null, 1]);

  const d = await until('the log shows the attempt', async () => {
    const x = await deliveryOf(b, eventId);
    return x.status === 'succeeded' ? x : null;
  });
  assert.equal(d.webhook_id, listener);
  assert.equal(d.attempts.length, 1);
  assert.equal(d.attempts[0]!.status_code, 200);
  assert.equal(d.attempts[0]!.response_body, 'thanks from localhost');
  assert.ok(d.attempts[0]!.duration_ms >= 0 && d.attempts[0]!.duration_ms <= line.duration_ms + 1);

  // A failing local endpoint is a failed attempt, retried like any other.
  receiver.setResponder((_r, res) => res.writeHead(500).end('boom'));
  try {
    const failing = await publish(b, 'evt-journey-2');
    const f = await until('the log shows the local 500', async () => {
      const x = await deliveryOf(b, failing);
      return x.attempts.length === 1 ? x : null;
    });
    assert.equal(f.status, 'retrying');
    assert.equal(f.attempts[0]!.status_code, 500);
    assert.equal(f.attempts[0]!.error, 'http_status');
    assert.equal(f.attempts[0]!.response_body, 'boom');
  } finally {
    receiver.setResponder((_r, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks from localhost'));
  }

  p.child.kill('SIGINT');
  assert.equal(await p.exited, 0, p.stderr());
  assert.match(p.stderr(), /Listener removed/);
  const hooks = await hl.api<ApiPage<ApiListedWebhook>>('GET', `/v1/businesses/${b}/webhooks`);
  assert.deepEqual(hooks.body.data.map((w) => w.id), [], 'the listener webhook is gone');
  const again = await hl.api<ApiProblem>('DELETE', `/v1/businesses/${b}/listeners/${listener}`);
  assert.equal(again.status, 404);
  assert.equal(again.body.code, 'LISTENER_NOT_FOUND');
});

test('a CLI killed with SIGKILL and resumed with --listener loses nothing: what was published meanwhile arrives once', async () => {
  const b = await newBusiness(hl.api);
  const first = listen(b, hl.adminToken);
  const { listener, secret } = await first.ready();
  await publish(b, 'evt-before-kill');
  await until('the first delivery arrived', async () => first.lines().length === 1);

  first.child.kill('SIGKILL');
  await first.exited;
  const meanwhile = [await publish(b, 'evt-gap-1'), await publish(b, 'evt-gap-2'), await publish(b, 'evt-gap-3')];
  // With no stream the attempts are not made: the dispatcher parks them (a fresh delivery is
  // stored leased, with a time; parked, it has none), spending none of their retries.
  for (const id of meanwhile) {
    const d = await until(`${id} is parked`, async () => {
      const x = await deliveryOf(b, id);
      return x.next_attempt_at === null ? x : null;
    });
    assert.deepEqual([d.status, d.attempt_count], ['pending', 0], `${id} waits for the listener`);
  }
  assert.equal(arrivedFor(b).length, 1);

  const second = listen(b, hl.adminToken, '--listener', listener);
  assert.equal((await second.ready()).secret, secret, 'the resumed listener signs with the same secret');
  await until('everything published during the gap arrived', async () => arrivedFor(b).length === 4);
  const ids = arrivedFor(b).map((r) => verifyWebhook('standard', r.body, r.headers as Record<string, string>, secret).id);
  assert.deepEqual(ids.slice(1).sort(), [...meanwhile].sort());
  for (const id of meanwhile) {
    const d = await until(`${id} succeeded`, async () => {
      const x = await deliveryOf(b, id);
      return x.status === 'succeeded' ? x : null;
    });
    assert.equal(d.attempt_count, 1, 'one attempt: the wait cost none');
  }
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0, second.stderr());
});

test('a business token cannot create, stream, report to or remove a listener of another business', async () => {
  const a = await newBusiness(hl.api);
  const other = await newBusiness(hl.api);
  const tokenA = await businessToken(a);
  const theirs = (await hl.api<ApiListener>('POST', `/v1/businesses/${other}/listeners`, {})).body;
  const base = `/v1/businesses/${other}/listeners`;
  const tries = [
    await hl.api<ApiProblem>('POST', base, {}, tokenA),
    await hl.api<ApiProblem>('GET', `${base}/${theirs.id}/stream`, undefined, tokenA),
    await hl.api<ApiProblem>('POST', `${base}/${theirs.id}/results`, { attempt_id: 'x', status_code: 200, duration_ms: 1 }, tokenA),
    await hl.api<ApiProblem>('DELETE', `${base}/${theirs.id}`, undefined, tokenA),
    // Through its own business's path, another business's listener is no listener at all.
    await hl.api<ApiProblem>('GET', `/v1/businesses/${a}/listeners/${theirs.id}/stream`, undefined, tokenA),
  ];
  assert.deepEqual(tries.map((r) => r.status), [404, 404, 404, 404, 404]);
  assert.equal(tries[4]!.body.code, 'LISTENER_NOT_FOUND');

  const p = listen(other, tokenA);
  assert.equal(await p.exited, 2, 'the CLI exits 2: the server refused');
  assert.match(p.stderr(), /No business/);
  // An ordinary webhook is not a listener either.
  const hook = (await hl.api<{ id: string }>('POST', `/v1/businesses/${a}/webhooks`, { url: 'https://example.com/h', events: ['*'] })).body;
  const notListener = await hl.api<ApiProblem>('GET', `/v1/businesses/${a}/listeners/${hook.id}/stream`, undefined, tokenA);
  assert.equal(notListener.body.code, 'LISTENER_NOT_FOUND');
});

test('a listener with no stream for its grace period is removed, and resuming it then says so', async () => {
  // Without threads: this server is about the grace period, and starts in a third of the time.
  const quick = await startTestHookline({ allowPrivateNetworks: false, listenerGraceMs: 300, threads: false });
  try {
    const b = await newBusiness(quick.api);
    // One listener is pointed at a real URL before its grace period ends: it is a webhook now, and stays.
    const kept = (await quick.api<ApiListener>('POST', `/v1/businesses/${b}/listeners`, null)).body;
    assert.equal((await quick.api('PATCH', `/v1/businesses/${b}/webhooks/${kept.id}`, { url: 'https://example.com/h' })).status, 200);
    const created = (await quick.api<ApiListener>('POST', `/v1/businesses/${b}/listeners`, { events: ['client/*'], dialect: 'standard' })).body;
    assert.equal(created.grace_ms, 300);
    assert.match(created.secret, /^whsec_/);
    const hookIds = async () => (await quick.api<ApiPage<ApiListedWebhook>>('GET', `/v1/businesses/${b}/webhooks`)).body.data.map((w) => w.id);
    // The kept one's grace period began first, so it has run out once the other's has.
    await until('the never-connected listener was removed', async () => !(await hookIds()).includes(created.id));
    assert.deepEqual(await hookIds(), [kept.id]);
    assert.equal((await quick.api('DELETE', `/v1/businesses/${b}/webhooks/${kept.id}`)).status, 204);

    const p = startListen(['--business', b, '--forward-to', `${receiver.url}/hooks/${b}`], { HOOKLINE_URL: quick.url, HOOKLINE_TOKEN: quick.adminToken });
    running.push(p);
    const { listener } = await p.ready();
    p.child.kill('SIGKILL');
    await p.exited;
    // Asked through the webhook list: a GET of a listener's stream that still exists would stay open.
    await until('the dropped listener was removed after the grace period', async () => (await quick.api<ApiPage<ApiListedWebhook>>('GET', `/v1/businesses/${b}/webhooks`)).body.data.length === 0);
    const late = startListen(['--business', b, '--forward-to', `${receiver.url}/hooks/${b}`, '--listener', listener], { HOOKLINE_URL: quick.url, HOOKLINE_TOKEN: quick.adminToken });
    running.push(late);
    assert.equal(await late.exited, 2);
    assert.match(late.stderr(), /No listener/);
  } finally {
    await quick.stop();
  }
});

test('flags a listener cannot use are refused before anything is created (exit 2)', async () => {
  const env = { HOOKLINE_URL: hl.url, HOOKLINE_TOKEN: hl.adminToken };
  const b = await newBusiness(hl.api);
  const notUrl = await runCli(['listen', '--business', b, '--forward-to', 'localhost:3000'], env);
  assert.equal(notUrl.code, 2);
  assert.match(notUrl.stderr, /absolute URL/);
  const both = await runCli(['listen', '--business', b, '--forward-to', receiver.url, '--listener', 'wh_x', '--events', 'client/*'], env);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /a resumed --listener keeps its own/);
  const unknownType = await runCli(['listen', '--business', b, '--forward-to', receiver.url, '--events', 'nope/never'], env);
  assert.equal(unknownType.code, 2);
  assert.match(unknownType.stderr, /match no event type/);
  assert.deepEqual((await hl.api<ApiPage<ApiListedWebhook>>('GET', `/v1/businesses/${b}/webhooks`)).body.data, []);
});

