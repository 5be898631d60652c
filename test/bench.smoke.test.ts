import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnServer } from './helpers/serverProcess.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'hookline-bench-smoke-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

interface BenchResult {
  scenario: string;
  system: string;
  ok: boolean;
  complete?: boolean;
  error?: string;
}

test('npm run bench -- --quick: every scenario runs on SQLite and the ceiling, and every event arrives', { timeout: 240_000 }, async () => {
  const out = join(tmp, 'quick');
  const r = await run(['bench/run.mjs', '--quick', '--out', out]);
  assert.equal(r.code, 0, `bench exited ${r.code}\n${r.stderr.slice(-3000)}`);
  const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as { results: BenchResult[] };
  const ran = new Set(report.results.map((x) => `${x.scenario}/${x.system}`));
  for (const scenario of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) assert.ok(ran.has(`${scenario}/sqlite`), `scenario ${scenario} ran on SQLite`);
  assert.ok(ran.has('a/ceiling'), 'the ceiling ran');
  // A Hookline run only counts as ok once the receiver has seen every delivery it was owed.
  for (const x of report.results.filter((x) => x.system === 'sqlite')) assert.ok(x.ok && x.complete !== false, `${x.scenario}/sqlite: ${x.error ?? 'incomplete'}`);
  assert.match(readFileSync(join(out, 'benchmarks.md'), 'utf8'), /## Results/);
});

test('hookline bench measures a running server and checks that every delivery arrived', { timeout: 120_000 }, async () => {
  const token = 'bench-smoke-admin-token-0001';
  const server = await spawnServer({
    HOOKLINE_DATABASE_URL: `file:${join(tmp, 'cli.db')}`,
    HOOKLINE_ADMIN_TOKEN: token,
    HOOKLINE_ALLOW_PRIVATE_NETWORKS: 'true',
  });
  try {
    const r = await run(['dist/cli/main.js', 'bench', '--url', server.url, '--token', token, '--events', '500', '--webhooks', '5', '--rate', '100', '--duration', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Throughput: [\d,]+ deliveries\/s/);
    assert.match(r.stdout, /Latency: +p50 [\d.]+ ms/);
    assert.match(r.stdout, /Every delivery arrived at least once/);
  } finally {
    server.child.kill('SIGKILL');
    await server.exited;
  }
});

interface TenantsResult {
  store: string;
  startMs: number;
  restartMs: number;
  peakRssMb: number;
  phases: { name: string; publishes: number; p50Ms: number; hooklineCpuUsPerPublish: number; maxRssMb: number; changes: number }[];
}

test('bench/tenants.mjs: seeds businesses through the store, then measures start-up, a sweep, and warm and spread publishes with webhook changes (issue 19)', { timeout: 120_000 }, async () => {
  const out = join(tmp, 'tenants');
  const r = await run(['bench/tenants.mjs', '--stores', 'sqlite', '--businesses', '300', '--seconds', '1', '--rounds', '1', '--rate', '50', '--out', out]);
  assert.equal(r.code, 0, r.stderr.slice(-3000));
  const result = JSON.parse(readFileSync(join(out, 'tenants-sqlite.json'), 'utf8')) as TenantsResult;
  assert.deepEqual(result.phases.map((p) => p.name), ['sweep', 'warm', 'spread']);
  assert.equal(result.phases[0]!.publishes, 300, 'the sweep publishes once to every business');
  for (const p of result.phases) assert.ok(p.p50Ms > 0 && p.hooklineCpuUsPerPublish > 0 && p.maxRssMb > 0, `${p.name} measured`);
  assert.ok(result.phases.slice(1).every((p) => p.changes > 0), 'webhooks changed during warm and spread');
  assert.ok(result.startMs > 0 && result.restartMs > 0 && result.peakRssMb > 0);
  assert.match(r.stdout, /\| sqlite \| spread \|/);
});
