import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Issue 17 §4: the packages that `npm pack` makes install into an empty project and work there:
 * `npx hookline`, `import 'hookline'` and `import 'hookline/verify'`, all from the tarballs, and
 * `@hookline/verify` on its own with nothing else.
 * Runs after `npm run build`; packing skips the build script for that reason.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
let work: string;
let project: string;

function run(cmd: string, args: string[], cwd: string, timeout = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout, env: withoutHooklineSettings() }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

// The installed package must work from its own defaults and arguments, not from this shell's settings.
function withoutHooklineSettings(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HOOKLINE_') && !k.startsWith('npm_')) env[k] = v;
  return env;
}

/** `npm pack` of one package folder into `work`; answers the tarball's path. */
async function pack(dir: string): Promise<string> {
  const before = new Set(readdirSync(work));
  const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], dir);
  assert.equal(packed.code, 0, packed.stderr);
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz') && !before.has(f));
  assert.ok(tarball, `npm pack made no tarball in ${dir}: ${packed.stdout}`);
  return join(work, tarball);
}

function emptyProject(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, type: 'module' }));
  return dir;
}

/** Installs from the tarballs alone when the cache has the rest, else from the registry. */
async function install(dir: string, tarballs: string[]): Promise<void> {
  const args = ['install', ...tarballs, '--ignore-scripts', '--no-audit', '--no-fund'];
  let installed = await run('npm', [...args, '--offline'], dir, 120_000);
  if (installed.code !== 0) installed = await run('npm', [...args, '--prefer-offline'], dir, 120_000);
  assert.equal(installed.code, 0, installed.stderr);
}

let verifyTarball: string;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'hookline-pack-'));
  // Both packages of the repository, as they would be published: hookline depends on @hookline/verify.
  verifyTarball = await pack(join(root, 'packages/verify'));
  const hooklineTarball = await pack(root);
  project = emptyProject('app');
  // Install scripts are skipped: compiling better-sqlite3 takes minutes on a busy machine. Its
  // binary is taken from this checkout's install when the versions agree, else built once.
  await install(project, [verifyTarball, hooklineTarball]);
  const ours = join(root, 'node_modules/better-sqlite3');
  const theirs = join(project, 'node_modules/better-sqlite3');
  const version = (dir: string): string => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const binary = 'build/Release/better_sqlite3.node';
  if (version(ours) === version(theirs) && existsSync(join(ours, binary))) {
    mkdirSync(dirname(join(theirs, binary)), { recursive: true });
    copyFileSync(join(ours, binary), join(theirs, binary));
  } else {
    const rebuilt = await run('npm', ['rebuild', 'better-sqlite3'], project, 600_000);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
  }
});

after(() => rmSync(work, { recursive: true, force: true }));

test('the installed package ships its licence, its migrations and its built files, and no sources or tests', () => {
  const pkg = join(project, 'node_modules/hookline');
  for (const f of ['LICENSE', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/verify/index.js', 'dist/cli/main.js', 'migrations/sqlite', 'migrations/postgres']) {
    assert.ok(existsSync(join(pkg, f)), `${f} is missing from the package`);
  }
  for (const f of ['src', 'test', 'bench', 'node_modules']) assert.ok(!existsSync(join(pkg, f)), `${f} should not be in the package`);
});

test('npx hookline --help runs from the installed package', async () => {
  const help = await run('npx', ['--no-install', 'hookline', '--help'], project);
  assert.equal(help.code, 0, help.stderr);
  for (const command of ['serve', 'worker', 'migrate', 'send', 'deliveries', 'tokens']) assert.match(help.stdout, new RegExp(`\\b${command}\\b`));
});

test('npx hookline serve starts from the installed package and answers /healthz', async () => {
  const child = spawn('npx', ['--no-install', 'hookline', 'serve', '--port', '0'], {
    cwd: project,
    env: { ...withoutHooklineSettings(), HOOKLINE_DATABASE_URL: `file:${join(work, 'serve.db')}`, HOOKLINE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // npx does not pass SIGTERM on to the server it starts, so the whole group is stopped.
    detached: true,
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 30_000);
      const check = (): void => {
        const m = /Hookline listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      };
      child.stdout.on('data', check);
      child.on('exit', () => reject(new Error(`serve exited:\n${out}`)));
    });
    const health = (await (await fetch(`${url}/healthz`)).json()) as { status: string; version: string };
    assert.equal(health.status, 'ok');
    assert.match(out, /Admin token \(shown once, store it now\): \S+/);
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
});

test('journey: a program imports hookline, embeds the server, and verifies the delivery with hookline/verify', async () => {
  // The consumer lives inside the temporary project, so both imports resolve to the installed tarball.
  copyFileSync(join(root, 'test/fixtures/package/consumer.mjs'), join(project, 'consumer.mjs'));
  const result = await run(process.execPath, ['consumer.mjs', work], project);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  const last = result.stdout.trim().split('\n').at(-1)!;
  const seen = JSON.parse(last) as { published: string; verified: string; type: string };
  assert.equal(seen.verified, seen.published);
  assert.equal(seen.type, 'client/created');
});

test('import hookline exposes the documented surface, and hookline/verify stands alone', async () => {
  const probe = [
    "const hl = await import('hookline');",
    "const v = await import('hookline/verify');",
    'console.log(JSON.stringify({ hl: Object.keys(hl).sort(), v: Object.keys(v).sort() }));',
  ].join('\n');
  const result = await run(process.execPath, ['--input-type=module', '-e', probe], project);
  assert.equal(result.code, 0, result.stderr);
  const { hl, v } = JSON.parse(result.stdout) as { hl: string[]; v: string[] };
  for (const name of ['startHookline', 'migrate', 'publish', 'loadConfig', 'HooklineError', 'VERSION', 'verifyWebhook']) assert.ok(hl.includes(name), `hookline exports ${name}`);
  assert.ok(v.includes('verifyWebhook') && v.includes('WebhookVerifier'));
  assert.ok(!v.includes('startHookline'), 'hookline/verify carries nothing of the server');
});

test('@hookline/verify alone installs into an empty project with nothing else, a few kilobytes, and verifies', async () => {
  const receiver = emptyProject('receiver');
  await install(receiver, [verifyTarball]);
  const installed = readdirSync(join(receiver, 'node_modules'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
  assert.ok(installed.every((f) => f.startsWith(join(receiver, 'node_modules/@hookline/verify/')) || f.endsWith('.package-lock.json')), installed.join('\n'));
  const bytes = installed.filter((f) => f.endsWith('.js')).reduce((n, f) => n + statSync(f).size, 0);
  assert.ok(bytes < 64 * 1024, `${bytes} bytes of JavaScript`);
  const probe = [
    "import { createHmac } from 'node:crypto';",
    "const { verifyWebhook } = await import('@hookline/verify');",
    "const secret = 'whsec_' + Buffer.from('k'.repeat(32)).toString('base64');",
    "const body = JSON.stringify({ id: 'evt_1', type: 'client/created', data: {} });",
    'const ts = String(Math.floor(Date.now() / 1000));',
    "const sig = createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update(`msg_1.${ts}.${body}`).digest('base64');",
    "const v = verifyWebhook('standard', body, { 'webhook-id': 'msg_1', 'webhook-timestamp': ts, 'webhook-signature': `v1,${sig}` }, secret);",
    'console.log(v.id);',
  ].join('\n');
  const result = await run(process.execPath, ['--input-type=module', '-e', probe], receiver);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.trim(), 'msg_1');
});
