import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { runCli, type CliRun } from './helpers/runCli.js';
import { startReceiver } from './helpers/receiver.js';
import { createTestPki, type TestPki } from './helpers/testPki.js';
import { until } from './helpers/wait.js';

/**
 * The CLI for what webhooks gained after it was written (issue 17 §2): filters, transformations,
 * channels, endpoint auth, TLS and verification on `webhooks create|update|get`, `webhooks
 * simulate` and `filter-test`, `send --channels`, and webhook names in `deliveries get|tail`.
 */

let hl: TestInstance;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let dir: string;
let pki: TestPki;

const run = (args: string[]): Promise<CliRun> => runCli(args, { HOOKLINE_URL: hl.url, HOOKLINE_TOKEN: hl.adminToken });
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const client = (over: Record<string, unknown>) => ({ business: 'studio', id: 1, first_name: 'Maya', last_name: 'Okafor', email: 'maya@example.com', status: 'active', ...over });

before(async () => {
  hl = await startTestHookline();
  receiver = await startReceiver();
  dir = mkdtempSync(join(tmpdir(), 'hookline-cli-'));
  pki = createTestPki();
  await hl.api('POST', '/v1/businesses', { id: 'front-desk', name: 'Front Desk' });
});
after(async () => {
  await hl.stop();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
  pki.remove();
});

test('journey: a webhook with a filter, a transformation and channels; simulate it, send to a channel, see the delivery under the webhook\u2019s name', async () => {
  const made = await run(['businesses', 'create', 'north-studio', '--name', 'North Studio']);
  assert.equal(made.code, 0, made.stderr);
  const filter = file('vip.json', JSON.stringify({ 'data.tags.$': 'vip' }));
  const code = file('slack.js', 'function handler(request) {\n  const c = request.event.data;\n  request.body = { text: `${c.first_name} ${c.last_name} joined` };\n  return request;\n}\n');

  const created = await run(['webhooks', 'create', '--business', 'north-studio', '--name', 'VIP desk', '--target', `${receiver.url}/vip`, '--events', 'client/*',
    '--filter', `@${filter}`, '--transformation', `@${code}`, '--channels', 'location-12, location-14', '--json']);
  assert.equal(created.code, 0, created.stderr);
  const w = JSON.parse(created.stdout) as { id: string; channels: string[]; filter: unknown; transformation: { version: number; enabled: boolean } };
  assert.deepEqual(w.channels, ['location-12', 'location-14']);
  assert.deepEqual(w.filter, { 'data.tags.$': 'vip' });
  assert.deepEqual([w.transformation.version, w.transformation.enabled], [1, true]);

  const shown = await run(['webhooks', 'get', w.id, '--business', 'north-studio']);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /^channels +location-12,location-14$/m);
  assert.match(shown.stdout, /^filter +\{"data\.tags\.\$":"vip"\}$/m);
  assert.match(shown.stdout, /^transformation +version 1, enabled, 5 lines/m);
  assert.match(shown.stdout, /^secret +whsec_\S+$/m);

  const vip = file('vip-event.json', JSON.stringify({ type: 'client/created', data: client({ tags: ['vip'] }) }));
  const tried = await run(['webhooks', 'filter-test', '--business', 'north-studio', '--filter', `@${filter}`, '--event', `@${vip}`]);
  assert.equal(tried.code, 0, tried.stderr);
  assert.match(tried.stdout, /^Matches:\n +✓ /);

  const simulated = await run(['webhooks', 'simulate', w.id, '--business', 'north-studio', '--event', `@${vip}`]);
  assert.equal(simulated.code, 0, simulated.stderr);
  assert.match(simulated.stdout, /^The transformation \(version 1\) would send, for evt_simulated:\n\nPOST http:\/\/\S+\/vip\n/);
  assert.match(simulated.stdout, /^webhook-signature: v1,\S+$/m);
  assert.match(simulated.stdout, /"text": "Maya Okafor joined"/);
  // A draft that throws is the user's code to fix: exit 2, one line saying why.
  const broken = await run(['webhooks', 'simulate', w.id, '--business', 'north-studio', '--event', `@${vip}`, '--code', `@${file('broken.js', 'function handler(r) { throw new Error("no name"); }')}`]);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /^hookline: the transformation \(the given code\) fails on evt_simulated: .*no name.*\n$/);

  // Of three events only the one on a channel of the webhook that passes its filter is delivered.
  const data = (tags: string[]) => JSON.stringify(client({ tags }));
  const elsewhere = await run(['send', 'client/created', '--business', 'north-studio', '--data', data(['vip']), '--channels', 'location-99']);
  const notVip = await run(['send', 'client/created', '--business', 'north-studio', '--data', data(['new']), '--channels', 'location-12']);
  const sent = await run(['send', 'client/created', '--business', 'north-studio', '--data', data(['vip']), '--channels', 'location-14,location-99']);
  for (const r of [elsewhere, notVip, sent]) assert.equal(r.code, 0, r.stderr);
  const eventId = sent.stdout.trim();
  const page = JSON.parse((await run(['deliveries', '--business', 'north-studio', '--json'])).stdout) as { data: { id: string; event_id: string }[] };
  assert.deepEqual(page.data.map((d) => d.event_id), [eventId]);
  await receiver.waitFor(1);
  assert.deepEqual(JSON.parse(receiver.received[0]!.body), { text: 'Maya Okafor joined' });

  const dlv = page.data[0]!.id;
  const detail = await until('the delivery shows as succeeded', async () => {
    const r = await run(['deliveries', 'get', dlv, '--business', 'north-studio']);
    return r.stdout.includes('succeeded') ? r : null;
  });
  assert.match(detail.stdout, new RegExp(`^event ${eventId} \\(client/created\\) to webhook ${w.id} \\(VIP desk\\)$`, 'm'));

  const lastTwo = await run(['webhooks', 'filter-test', '--business', 'north-studio', '--filter', `@${filter}`, '--last', '3']);
  assert.match(lastTwo.stdout, /^2 of the last 3 events match\.\n\nEVENT +TYPE +OCCURRED\n/);

  // Switching the transformation off keeps its code and version; '' and null remove the others.
  const off = await run(['webhooks', 'update', w.id, '--business', 'north-studio', '--transformation-enabled', 'false', '--channels', '', '--filter', 'null']);
  assert.equal(off.code, 0, off.stderr);
  const after = (await run(['webhooks', 'get', w.id, '--business', 'north-studio'])).stdout;
  assert.match(after, /^transformation +version 1, disabled/m);
  assert.match(after, /^channels +any$/m);
  assert.match(after, /^filter +none$/m);
  const removed = await run(['webhooks', 'update', w.id, '--business', 'north-studio', '--transformation', 'none', '--json']);
  assert.equal((JSON.parse(removed.stdout) as { transformation: unknown }).transformation, null);
});

test('auth, TLS and verification: set from flags and files, shown redacted by get, changed one part at a time by update', async () => {
  const client1 = pki.issue('hookline-client');
  const [cert, key, ca] = [file('c.pem', client1.cert), file('c.key', client1.key), file('ca.pem', pki.ca.cert)];
  const created = await run(['webhooks', 'create', '--business', 'front-desk', '--name', 'Gateway', '--target', `${receiver.url}/gw`, '--events', 'invoice/paid',
    '--auth', '{"type":"bearer","token":"s3cret-token"}', '--tls-cert', `@${cert}`, '--tls-key', `@${key}`, '--json']);
  assert.equal(created.code, 0, created.stderr);
  const id = (JSON.parse(created.stdout) as { id: string }).id;
  const shown = await run(['webhooks', 'get', id, '--business', 'front-desk']);
  assert.match(shown.stdout, /^auth +bearer token=\[redacted\]$/m);
  assert.match(shown.stdout, /^tls +client certificate until \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ, key \[redacted\]$/m);
  assert.match(shown.stdout, /^verification +none$/m);
  assert.ok(!shown.stdout.includes('s3cret-token') && !shown.stdout.includes('PRIVATE KEY'), shown.stdout);

  // --tls-ca alone keeps the stored certificate and key.
  const withCa = await run(['webhooks', 'update', id, '--business', 'front-desk', '--tls-ca', `@${ca}`, '--json']);
  assert.equal(withCa.code, 0, withCa.stderr);
  const tls = (JSON.parse(withCa.stdout) as { tls: { client_cert?: string; client_key?: string; ca?: string } }).tls;
  assert.deepEqual([tls.client_cert, tls.client_key, tls.ca], [client1.cert, '[redacted]', pki.ca.cert]);
  const noTls = await run(['webhooks', 'update', id, '--business', 'front-desk', '--tls-cert', 'none', '--tls-key', 'none', '--tls-ca', 'none', '--auth', 'null', '--json']);
  assert.equal(noTls.code, 0, noTls.stderr);
  const cleared = JSON.parse(noTls.stdout) as { tls: unknown; auth: unknown };
  assert.deepEqual([cleared.tls, cleared.auth], [null, null]);
});

test('verification: create with --verification challenge says it is pending; verify sends the challenge again and shows the answer', async () => {
  let echo = false;
  const owner = await startReceiver((req, res) => {
    const challenge = (JSON.parse(req.body) as { data?: { challenge?: string } }).data?.challenge;
    res.setHeader('content-type', 'application/json');
    res.end(echo && challenge ? JSON.stringify({ challenge }) : '{}');
  });
  try {
    const created = await run(['webhooks', 'create', '--business', 'front-desk', '--name', 'Owned', '--target', `${owner.url}/own`, '--events', 'client/*', '--verification', 'challenge']);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^Verification pending: http:\S+\/own must answer the challenge before it receives events/m);
    const id = /^Created (wh_\S+)/.exec(created.stdout)![1]!;
    const unanswered = await run(['webhooks', 'verify', id, '--business', 'front-desk']);
    assert.match(unanswered.stdout.trim(), new RegExp(`^${id} is still pending verification: .+\\.$`));
    echo = true;
    const answered = await run(['webhooks', 'verify', id, '--business', 'front-desk']);
    assert.equal(answered.stdout.trim(), `${id} is verified.`);
    assert.match((await run(['webhooks', 'get', id, '--business', 'front-desk'])).stdout, /^verification +challenge, verified$/m);
  } finally {
    await owner.close();
  }
});

test('deliveries tail names each delivery\u2019s webhook', async () => {
  const w = (await hl.api<{ id: string }>('POST', '/v1/businesses/front-desk/webhooks', { name: 'Tail desk', url: `${receiver.url}/tail`, events: ['client/updated'] })).body;
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HOOKLINE_')) env[k] = v;
  Object.assign(env, { HOOKLINE_URL: hl.url, HOOKLINE_TOKEN: hl.adminToken, NO_COLOR: '1' });
  const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  const child = spawn(process.execPath, [cli, 'deliveries', 'tail', '--business', 'front-desk', '--interval', '100'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  try {
    await until('tail starts', async () => err.includes('Following deliveries'));
    await hl.api('POST', '/v1/businesses/front-desk/events', { type: 'client/updated', data: { id: 5 } });
    await until(`a line names the webhook; got ${out}`, async () => out.includes(`${w.id} (Tail desk)  `));
  } finally {
    child.kill('SIGINT');
  }
  assert.equal(await exited, 0, err);
});

test('bad values of the new flags exit 2 with one line that says what to fix, before or after the server sees them', async () => {
  const w = (await hl.api<{ id: string }>('POST', '/v1/businesses/front-desk/webhooks', { name: 'Target', url: `${receiver.url}/t`, events: ['client/*'] })).body;
  const create = ['webhooks', 'create', '--business', 'front-desk', '--name', 'x', '--target', `${receiver.url}/x`, '--events', 'client/*'];
  const update = ['webhooks', 'update', w.id, '--business', 'front-desk'];
  const js = file('ok.js', 'function handler(r) { return r; }');
  const cases: [string[], RegExp][] = [
    [[...create, '--filter', '[1,2]'], /--filter: expected a JSON object .*got an array/],
    [[...create, '--filter', '5'], /--filter: expected a JSON object .*got a number/],
    [[...create, '--filter', '"data.x"'], /got a string/],
    [[...create, '--filter', 'null'], /got null/],
    [[...create, '--filter', ''], /--filter: inline JSON is not valid JSON/],
    [[...create, '--filter', '{}'], /\/filter: an empty filter matches every event/],
    [[...create, '--filter', '{"data.amount":{"$gt":[1]}}'], /\$gt/],
    [[...create, '--filter', '{"data.x":{"$and":{"$and":{"$and":1}}}}'], /\/filter\/data.x\/\$and: expected a non-empty array/],
    [[...create, '--filter', '{"data.\u0001x\n":1}'], /--filter: inline JSON is not valid JSON/],
    [[...create, '--filter', '@/nonexistent/f.json'], /--filter: cannot read \/nonexistent\/f\.json: no such file/],
    [[...create, '--filter', `@${dir}`], /it is a directory/],
    [[...create, '--transformation', 'function handler(r){return r}'], /--transformation takes a file as @path/],
    [[...create, '--transformation', '@'], /--transformation @ needs a file name/],
    [[...create, '--transformation', `@${file('bad.js', 'function handler( {')}`], /transformation\.code does not parse/],
    [[...create, '--transformation-enabled', 'false'], /--transformation-enabled: this webhook has no transformation/],
    [[...create, '--transformation', `@${js}`, '--transformation-enabled', 'maybe'], /Allowed choices are true, false/],
    [[...create, '--channels', 'a b,c'], /--channels: "a b" is not a channel name; use 1 to 128 letters/],
    [[...create, '--channels', Array.from({ length: 11 }, (_, i) => `c${i}`).join(',')], /--channels: at most 10 channels, not 11/],
    [[...create, '--auth', '{"type":"digest"}'], /--auth: "type" must be one of basic, bearer, oauth2_client_credentials/],
    [[...create, '--auth', '{"type":["bearer"]}'], /--auth: "type" must be one of/],
    [[...create, '--auth', '{"type":"bearer"}'], /token/],
    [[...create, '--auth', '[]'], /--auth: expected a JSON object/],
    [[...create, '--tls-cert', `@${js}`, '--tls-key', `@${js}`], /tls: client_cert holds no PEM certificate/],
    [[...create, '--tls-ca', 'none'], /--tls-ca takes a file as @path/],
    [[...create, '--verification', 'sometimes'], /Allowed choices are challenge, none/],
    [[...update, '--transformation-enabled', 'true'], /--transformation-enabled: this webhook has no transformation/],
    [[...update, '--transformation', 'none', '--transformation-enabled', 'true'], /leave out --transformation-enabled/],
    [[...update, '--tls-key', `@${js}`], /client_key needs its client_cert|client_key/],
    [['webhooks', 'simulate', w.id, '--business', 'front-desk', '--event-id', 'e', '--event', '{}'], /cannot be used with/],
    [['webhooks', 'simulate', w.id, '--business', 'front-desk', '--event', '{"type":"client/created","data":{}}'], /no transformation: pass "code"/],
    [['webhooks', 'simulate', w.id, '--business', 'front-desk', '--event', '[{"type":"client/created"}]'], /--event: expected a JSON object/],
    [['webhooks', 'simulate', w.id, '--business', 'front-desk', '--code', `@${js}`, '--event-id', 'evt_none'], /no event "evt_none"/],
    [['webhooks', 'filter-test', '--business', 'front-desk', '--filter', '{"type":"x"}'], /give --last <n>/],
    [['webhooks', 'filter-test', '--business', 'front-desk', '--filter', '{"type":"x"}', '--last', '0'], /from 1 to 1000/],
    [['webhooks', 'filter-test', '--business', 'front-desk', '--filter', '{"type":"x"}', '--last', '[3]'], /from 1 to 1000/],
    [['webhooks', 'filter-test', '--business', 'front-desk', '--filter', '{"type":"x"}', '--last', '2', '--event', '{}'], /cannot be used with/],
    [['webhooks', 'filter-test', '--business', 'front-desk', '--filter', '{"data.a":{"$nope":1}}', '--last', '2'], /\$nope/],
    [['webhooks', 'filter-test', '--business', 'front-desk', '--filter', '{"type":"x"}', '--event', '{}'], /type/],
    [['send', 'client/created', '--business', 'front-desk', '--data', '{}', '--channels', 'no spaces'], /--channels: "no spaces" is not a channel name/],
  ];
  // Four at a time: each is a process start, and the machine has two cores.
  for (let i = 0; i < cases.length; i += 4) {
    await Promise.all(cases.slice(i, i + 4).map(async ([args, message]) => {
      const r = await run(args);
      const what = `${args.slice(3).join(' ')}: code ${r.code}, stdout ${r.stdout}, stderr ${r.stderr}`;
      assert.equal(r.code, 2, what);
      assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, what);
      assert.match(r.stderr, /^hookline: /, what);
      assert.match(r.stderr, message, what);
      assert.ok(!/\n\s+at /.test(r.stderr), `no stack trace: ${what}`);
    }));
  }
});
