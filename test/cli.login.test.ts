import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { runCli, type CliRun } from './helpers/runCli.js';
import type { ApiIssuedToken } from './helpers/apiShapes.js';

/** `hookline login` saves a profile under the user's config directory (issue 17 §2). */

let hl: TestInstance;
let config: string;

// No HOOKLINE_* from this shell, and a config directory of the test's own.
function run(args: string[], extra: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, { XDG_CONFIG_HOME: config, ...extra });
}

before(async () => {
  hl = await startTestHookline();
  config = mkdtempSync(join(tmpdir(), 'hookline-config-'));
  await hl.api('POST', '/v1/businesses', { id: 'desk', name: 'Front Desk' });
});
after(async () => {
  await hl.stop();
  rmSync(config, { recursive: true, force: true });
});

test('journey: login checks the token, saves a profile only its owner can read, and later commands need no flags', async () => {
  const file = join(config, 'hookline', 'profiles.json');
  const refused = await run(['login', '--url', hl.url, '--token', 'not-a-real-token-at-all']);
  assert.equal(refused.code, 2, refused.stderr);
  assert.ok(!existsSync(file), 'a refused token is not saved');

  const saved = await run(['login', '--url', hl.url, '--token', hl.adminToken]);
  assert.equal(saved.code, 0, saved.stderr);
  assert.equal(saved.stdout.trim(), `Saved profile default for ${hl.url} in ${file}.`);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { default: { url: hl.url, token: hl.adminToken } });

  const listed = await run(['businesses', 'list']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^desk +Front Desk /m);

  // A second profile by name, with a business token; the environment still wins over a profile.
  const issued = await hl.api<ApiIssuedToken>('POST', '/v1/businesses/desk/tokens', { name: 'cli' });
  const staff = await run(['login', '--url', hl.url, '--token', issued.body.token, '--profile', 'staff']);
  assert.equal(staff.code, 0, staff.stderr);
  assert.equal((await run(['webhooks', 'list', '--business', 'desk', '--profile', 'staff'])).stdout.trim(), 'No webhooks.');
  const envWins = await run(['businesses', 'list'], { HOOKLINE_URL: 'http://127.0.0.1:9' });
  assert.equal(envWins.code, 1);
  assert.match(envWins.stderr, /cannot reach Hookline at http:\/\/127\.0\.0\.1:9/);
});

test('a profile asked for by name that does not exist is exit 2 with how to create it', async () => {
  const missing = await run(['businesses', 'list', '--profile', 'prod']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no profile "prod"; create it with `hookline login --profile prod`/);
});

test('login --json says which profile and file it wrote, never the token', async () => {
  const saved = await run(['login', '--url', hl.url, '--token', hl.adminToken, '--profile', 'scripted', '--json']);
  assert.equal(saved.code, 0, saved.stderr);
  assert.deepEqual(JSON.parse(saved.stdout), { profile: 'scripted', url: hl.url, file: join(config, 'hookline', 'profiles.json') });
  assert.ok(!saved.stdout.includes(hl.adminToken));
});
