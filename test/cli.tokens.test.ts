import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { runCli, type CliRun } from './helpers/runCli.js';
import type { ApiIssuedToken } from './helpers/apiShapes.js';

/** `hookline tokens create|list|revoke` against a real server (issue 12). */

let hl: TestInstance;

function run(args: string[], token?: string): Promise<CliRun> {
  return runCli(args, { HOOKLINE_URL: hl.url, HOOKLINE_TOKEN: token ?? hl.adminToken });
}

before(async () => {
  hl = await startTestHookline();
  await hl.api('POST', '/v1/businesses', { id: 'desk', name: 'Desk' });
});
after(() => hl.stop());

test('journey: tokens create prints the token once, list shows it by prefix only, revoke refuses it', async () => {
  const created = await run(['tokens', 'create', '--business', 'desk', '--name', 'front desk', '--expires-at', '2099-01-01T00:00:00Z']);
  assert.equal(created.code, 0, created.stderr);
  const [intro, token] = created.stdout.trim().split('\n');
  assert.match(intro ?? '', /^Token tok_\S+ for desk, expires 2099-01-01T00:00:00.000Z \(shown once, store it now\):$/);
  assert.match(token ?? '', /^hl_biz_\S{43}$/);
  const id = /Token (tok_\S+)/.exec(intro!)![1]!;
  assert.equal((await hl.api('GET', '/v1/businesses/desk', undefined, token)).status, 200);

  const listed = await run(['tokens', 'list', '--business', 'desk']);
  assert.equal(listed.code, 0, listed.stderr);
  const [header, row] = listed.stdout.trimEnd().split('\n');
  assert.match(header ?? '', /^ID +NAME +PREFIX +CREATED +LAST USED +EXPIRES$/);
  assert.ok(row?.startsWith(id), row);
  assert.ok(row?.includes('front desk') && row.includes(`${token!.slice(0, 12)}…`) && row.includes('2099-01-01 00:00:00Z'), row);
  assert.ok(!listed.stdout.includes(token!), 'the list never prints the token');
  const json = JSON.parse((await run(['tokens', 'list', '--business', 'desk', '--json'])).stdout) as { data: { id: string }[] };
  assert.deepEqual(json.data.map((t) => t.id), [id]);

  const revoked = await run(['tokens', 'revoke', id, '--business', 'desk']);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.equal(revoked.stdout.trim(), `Revoked ${id}.`);
  assert.equal((await hl.api('GET', '/v1/businesses/desk', undefined, token)).status, 401);
  assert.equal((await run(['tokens', 'list', '--business', 'desk'])).stdout.trim(), 'No tokens.');
});

test('tokens: the server\u2019s refusals are one line and exit 2 (past expiry, unknown id, a business token)', async () => {
  const past = await run(['tokens', 'create', '--business', 'desk', '--expires-at', '2001-01-01T00:00:00Z']);
  assert.equal(past.code, 2);
  assert.match(past.stderr, /future/);
  const unknown = await run(['tokens', 'revoke', 'tok_nope', '--business', 'desk']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /tok_nope/);
  const staff = (await hl.api<ApiIssuedToken>('POST', '/v1/businesses/desk/tokens')).body.token as string;
  const forbidden = await run(['tokens', 'list', '--business', 'desk'], staff);
  assert.equal(forbidden.code, 2);
  assert.match(forbidden.stderr, /admin token/);
});
