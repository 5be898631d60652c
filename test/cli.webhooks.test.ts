import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { runCli, type CliRun } from './helpers/runCli.js';
import { startReceiver } from './helpers/receiver.js';

/** `hookline businesses`, `webhooks`, `deliveries get|retry`, `events get` and `event-types` against a real server (issue 17 §2). */

let hl: TestInstance;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

function run(args: string[], token?: string): Promise<CliRun> {
  return runCli(args, { HOOKLINE_URL: hl.url, HOOKLINE_TOKEN: token ?? hl.adminToken });
}

before(async () => {
  hl = await startTestHookline();
  receiver = await startReceiver();
});
after(async () => {
  await hl.stop();
  await receiver.close();
});

test('journey: create a business and a webhook, list both with names beside ids, test it, rotate its secret, delete it', async () => {
  const made = await run(['businesses', 'create', 'harbour-yoga', '--name', 'Harbour Yoga']);
  assert.equal(made.code, 0, made.stderr);
  assert.equal(made.stdout.trim(), 'Created harbour-yoga (Harbour Yoga).');
  const businesses = await run(['businesses', 'list']);
  assert.match(businesses.stdout, /^ID +NAME +CREATED\nharbour-yoga +Harbour Yoga +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/m);

  const target = `${receiver.url}/hooks`;
  const created = await run(['webhooks', 'create', '--business', 'harbour-yoga', '--name', 'CRM sync', '--target', target, '--events', 'client/created, invoice/paid']);
  assert.equal(created.code, 0, created.stderr);
  const [first, second] = created.stdout.trim().split('\n');
  const id = /^Created (wh_\S+) \(CRM sync\) → (\S+) for client\/created,invoice\/paid$/.exec(first ?? '')?.[1];
  assert.ok(id, first);
  const secret = /^Signing secret: (whsec_\S+)$/.exec(second ?? '')?.[1];
  assert.ok(secret, second);

  const listed = await run(['webhooks', 'list', '--business', 'harbour-yoga']);
  const [header, row] = listed.stdout.trimEnd().split('\n');
  assert.match(header ?? '', /^ID +NAME +STATE +DIALECT +EVENTS +TARGET$/);
  assert.match(row ?? '', new RegExp(`^${id} +CRM sync +\\S+ +standard +client/created,invoice/paid +${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  assert.ok(!listed.stdout.includes(secret!), 'the list never prints a secret');
  const json = JSON.parse((await run(['webhooks', 'list', '--business', 'harbour-yoga', '--json'])).stdout) as { data: { id: string }[] };
  assert.deepEqual(json.data.map((w) => w.id), [id]);

  const shown = await run(['webhooks', 'get', id!, '--business', 'harbour-yoga']);
  assert.ok(shown.stdout.split('\n').some((line) => /^secret +/.test(line) && line.endsWith(` ${secret}`)), shown.stdout);

  const tested = await run(['webhooks', 'test', id!, '--business', 'harbour-yoga', '--json']);
  assert.equal(tested.code, 0, tested.stderr);
  const sent = JSON.parse(tested.stdout) as { id: string; type: string; delivery: { id: string } };
  assert.equal(sent.type, 'webhook/test');
  await receiver.waitFor(1);
  assert.equal(JSON.parse(receiver.received[0]!.body).type, 'webhook/test');

  // deliveries get shows the attempt once it is recorded; retry sends it again.
  const dlv = sent.delivery.id;
  let detail = '';
  for (let i = 0; i < 50 && !/^1 +\S+ \S+ +\d+ +200 /m.test(detail); i++) {
    detail = (await run(['deliveries', 'get', dlv, '--business', 'harbour-yoga'])).stdout;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.match(detail, new RegExp(`^${dlv}  succeeded, 1 attempt, next -$`, 'm'));
  assert.match(detail, /^# +STARTED +MS +CODE +ERROR +RESPONSE\n1 +\S+ \S+ +\d+ +200 +- +ok$/m);
  const retried = await run(['deliveries', 'retry', dlv, '--business', 'harbour-yoga']);
  assert.equal(retried.code, 0, retried.stderr);
  assert.match(retried.stdout, new RegExp(`^Retrying ${dlv} now`));
  await receiver.waitFor(2);
  const missing = await run(['deliveries', 'get', 'dlv_nope', '--business', 'harbour-yoga']);
  assert.equal(missing.code, 2);

  const event = await run(['events', 'get', sent.id, '--business', 'harbour-yoga']);
  assert.equal(event.code, 0, event.stderr);
  assert.match(event.stdout, new RegExp(`^${sent.id}  webhook/test  occurred `));
  assert.equal((JSON.parse((await run(['events', 'get', sent.id, '--business', 'harbour-yoga', '--json'])).stdout) as { id: string }).id, sent.id);

  const rotated = await run(['webhooks', 'rotate-secret', id!, '--business', 'harbour-yoga']);
  const next = new RegExp(`^New signing secret for ${id} \\(CRM sync\\): (whsec_\\S+)$`).exec(rotated.stdout.trim())?.[1];
  assert.ok(next && next !== secret, rotated.stdout);

  // Nothing failed, so nothing is replayed; a time without a zone is the user's mistake.
  const replayed = await run(['webhooks', 'replay', id!, '--business', 'harbour-yoga', '--since', '2020-01-01T00:00:00Z']);
  assert.equal(replayed.stdout.trim(), `Replaying 0 failed deliveries of ${id} since 2020-01-01T00:00:00.000Z.`);
  assert.equal((await run(['webhooks', 'replay', id!, '--business', 'harbour-yoga', '--since', 'yesterday'])).code, 2);

  const deleted = await run(['webhooks', 'delete', id!, '--business', 'harbour-yoga']);
  assert.equal(deleted.stdout.trim(), `Deleted ${id}.`);
  assert.equal((await run(['webhooks', 'list', '--business', 'harbour-yoga'])).stdout.trim(), 'No webhooks.');
});

test('event-types list names each type beside its description; get shows its schema and example', async () => {
  const listed = await run(['event-types', 'list']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^TYPE +DESCRIPTION$/m);
  assert.match(listed.stdout, /^client\/created +\S/m);
  const one = await run(['event-types', 'get', 'client/created', '--json']);
  const type = JSON.parse(one.stdout) as { type: string; schema: unknown; example: unknown };
  assert.equal(type.type, 'client/created');
  assert.ok(type.schema && type.example);
  const unknown = await run(['event-types', 'get', 'client/eaten']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no event type "client\/eaten"/);
});

test('webhooks: what the user got wrong exits 2 with the server\u2019s reason; a missing flag names it', async () => {
  const noEvents = await run(['webhooks', 'create', '--business', 'harbour-yoga', '--name', 'x', '--target', 'https://example.com/h', '--events', ' , ']);
  assert.equal(noEvents.code, 2);
  assert.match(noEvents.stderr, /--events: give at least one event type/);
  const unknown = await run(['webhooks', 'get', 'wh_nope', '--business', 'harbour-yoga']);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr.split('\n').filter(Boolean).length, 1, unknown.stderr);
  const missing = await run(['webhooks', 'create', '--business', 'harbour-yoga', '--name', 'x', '--events', 'client/*']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--target/);
  const down = await run(['businesses', 'list', '--url', 'http://127.0.0.1:9']);
  assert.equal(down.code, 1);
  assert.match(down.stderr, /cannot reach Hookline/);
});

test('webhooks update changes only the fields given; delete, tokens revoke and send answer --json; a bad value exits 2', async () => {
  await run(['businesses', 'create', 'tidal-pilates', '--name', 'Tidal Pilates']);
  const made = JSON.parse((await run(['webhooks', 'create', '--business', 'tidal-pilates', '--name', 'Old', '--target', `${receiver.url}/a`, '--events', 'client/*', '--json'])).stdout) as { id: string; secret: string };

  const renamed = await run(['webhooks', 'update', made.id, '--business', 'tidal-pilates', '--name', 'Front desk', '--events', 'invoice/paid,client/created', '--disable']);
  assert.equal(renamed.code, 0, renamed.stderr);
  assert.equal(renamed.stdout.trim(), `Updated ${made.id} (Front desk) \u2192 ${receiver.url}/a for invoice/paid,client/created, disabled`);
  const enabled = await run(['webhooks', 'update', made.id, '--business', 'tidal-pilates', '--enable', '--timeout-ms', '2500', '--rate-limit', 'none', '--json']);
  assert.equal(enabled.code, 0, enabled.stderr);
  const json = JSON.parse(enabled.stdout) as {
    name: string; enabled: boolean; timeout_ms: number; rate_limit: number | null; url: string;
  };
  assert.deepEqual([json.name, json.enabled, json.timeout_ms, json.rate_limit, json.url], ['Front desk', true, 2500, null, `${receiver.url}/a`]);

  // Input mistakes, caught by the CLI or refused by the server, are exit 2 with one line.
  for (const args of [
    [],
    ['--timeout-ms', 'soon'],
    ['--timeout-ms', '5'],
    ['--ordering', 'random'],
    ['--enable', '--disable'],
    ['--events', ' , '],
    ['--target', 'not a url'],
  ]) {
    const bad = await run(['webhooks', 'update', made.id, '--business', 'tidal-pilates', ...args]);
    assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stdout}${bad.stderr}`);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  }
  const gone = await run(['webhooks', 'update', 'wh_nope', '--business', 'tidal-pilates', '--name', 'x']);
  assert.equal(gone.code, 2);

  const sent = JSON.parse((await run(['send', 'client/created', '--business', 'tidal-pilates', '--data', '{"business":"tidal-pilates","id":7,"first_name":"Ana","last_name":"Lima","email":"ana@example.com","status":"active"}', '--id', 'c-7', '--json'])).stdout) as { id: string };
  assert.equal(sent.id, 'c-7');

  const token = JSON.parse((await run(['tokens', 'create', '--business', 'tidal-pilates', '--json'])).stdout) as { id: string };
  assert.deepEqual(JSON.parse((await run(['tokens', 'revoke', token.id, '--business', 'tidal-pilates', '--json'])).stdout), { revoked: token.id });
  assert.deepEqual(JSON.parse((await run(['webhooks', 'delete', made.id, '--business', 'tidal-pilates', '--json'])).stdout), { deleted: made.id });
});
