import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startTestHookline } from './helpers/hookline.js';
import type { ApiPage } from './helpers/apiShapes.js';
import { until } from './helpers/wait.js';

/**
 * Issue 17 §5: the README's tour delivers on the first try, and cannot drift. Every fenced
 * block of README.md is run, in order, by one bash, against a fresh server on the default
 * configuration (SQLite, no HOOKLINE_ALLOW_PRIVATE_NETWORKS, nothing else running), with the
 * two variables the tour tells a reader to export: HOOKLINE_URL and HOOKLINE_TOKEN (admin).
 *
 * The convention, visible in README.md's source:
 * - ```sh          runs;
 * - ```sh not-run  is shell a reader runs but this test cannot: installing, starting the
 *                  server, the test suite itself, exporting the address and the admin token
 *                  (this test sets those two itself);
 * - ```console     is a transcript (prompts and output), never run.
 * Any other fenced block fails the test, so a new block has to say which it is.
 */

interface Block {
  line: number;
  info: string;
  code: string;
}

function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const m of markdown.matchAll(/^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm)) {
    blocks.push({ line: markdown.slice(0, m.index).split('\n').length, info: m[1]!.trim(), code: m[2]! });
  }
  return blocks;
}

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

test('README.md starts with the two commands, and every fenced block says whether it runs', () => {
  const blocks = fencedBlocks(readme);
  const first = blocks[0]!;
  assert.ok(readme.trimStart().startsWith('# Hookline'), 'the title comes first');
  assert.ok(first.line <= 3, 'the two commands come right under the title');
  assert.match(first.code, /^npm ci && npm start\b[^\n]*\nnpm test\b/, 'the README opens with `npm ci && npm start` and `npm test`');
  for (const b of blocks) {
    assert.ok(['sh', 'sh not-run', 'console'].includes(b.info), `README.md line ${b.line}: a block marked "${b.info}"; use sh, sh not-run or console`);
  }
  assert.ok(blocks.filter((b) => b.info === 'sh').length >= 5, 'the tour has blocks to run');
});

test('the README tour runs as written against a fresh server and a signed delivery arrives, then a replay re-delivers a failure', async (t) => {
  const hl = await startTestHookline({ allowPrivateNetworks: false, pollMs: 250 });
  t.after(() => hl.stop());
  const runnable = fencedBlocks(readme).filter((b) => b.info === 'sh');
  // One bash for all blocks, as a reader's one terminal: variables carry from block to block.
  const script = [
    'set -euo pipefail',
    'trap \'echo "README.md block at line $BLOCK_LINE failed" >&2\' ERR',
    ...runnable.flatMap((b) => [`BLOCK_LINE=${b.line}`, `echo "### block at line ${b.line}"`, b.code]),
  ].join('\n');
  const started = Date.now();
  const { code, stdout, stderr } = await runBash(script, { HOOKLINE_URL: hl.url, HOOKLINE_TOKEN: hl.adminToken }, 60_000);
  const took = Date.now() - started;
  assert.equal(code, 0, `the tour failed:\n${stderr}\n--- stdout ---\n${stdout}`);
  t.diagnostic(`${runnable.length} blocks ran in ${took} ms`);
  assert.ok(took < 120_000, 'within two minutes');

  // What the tour says happens, checked through the API.
  assert.match(stdout, /^verified$/m, 'the inbox checked the signature of the first delivery');
  assert.match(stdout, /"replayed":1\b/, 'the replay found the one failed delivery');
  const deliveries = await until('both deliveries succeed', async () => {
    const page = await hl.api<ApiPage<{ event_id: string; status: string; attempt_count: number }>>('GET', '/v1/businesses/sunrise-yoga/deliveries');
    return page.body.data.length === 2 && page.body.data.every((d) => d.status === 'succeeded') ? page.body.data : null;
  });
  assert.deepEqual(deliveries.map((d) => d.event_id).sort(), ['client-1001-created', 'client-1002-created']);
  assert.equal(deliveries.find((d) => d.event_id === 'client-1002-created')!.attempt_count, 2, 'one failed attempt, then the replayed one');
  const inboxes = await hl.api<{ data: { id: string; request_count: number }[] }>('GET', '/v1/businesses/sunrise-yoga/inboxes');
  const requests = await hl.api<{ data: { signature: { status: string } }[] }>('GET', `/v1/businesses/sunrise-yoga/inboxes/${inboxes.body.data[0]!.id}/requests`);
  assert.deepEqual(requests.body.data.map((r) => r.signature.status), ['verified', 'verified']);
  // The business token the tour issued is the one it used: it is named and was used.
  const tokens = await hl.api<{ data: { name: string | null; last_used_at: string | null }[] }>('GET', '/v1/businesses/sunrise-yoga/tokens');
  assert.ok(tokens.body.data.some((tk) => tk.name === 'front desk' && tk.last_used_at !== null), 'the business token was used');
});

function runBash(script: string, env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
