import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { startReceiver } from './helpers/receiver.js';
import type { ApiAccepted, ApiEventType, ApiPage } from './helpers/apiShapes.js';

/** `hookline deliveries tail` follows the log of a real server (issue 17 §2). */

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
let hl: TestInstance;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

before(async () => {
  hl = await startTestHookline();
  receiver = await startReceiver();
  await hl.api('POST', '/v1/businesses', { id: 'desk', name: 'Front Desk' });
  await hl.api('POST', '/v1/businesses/desk/webhooks', { name: 'local', url: `${receiver.url}/h`, events: ['client/*'] });
});
after(async () => {
  await hl.stop();
  await receiver.close();
});

test('journey: tail prints only what happens after it starts, as it happens, and Ctrl-C ends it with exit 0', async () => {
  const types = await hl.api<ApiPage<ApiEventType>>('GET', '/v1/event-types');
  const example = types.body.data.find((t) => t.type === 'client/created')!.example;
  const before = await hl.api<ApiAccepted>('POST', '/v1/businesses/desk/events', { type: 'client/created', data: example });
  await receiver.waitFor(1);

  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HOOKLINE_')) env[k] = v;
  Object.assign(env, { HOOKLINE_URL: hl.url, HOOKLINE_TOKEN: hl.adminToken });
  const child = spawn(process.execPath, [cli, 'deliveries', 'tail', '--business', 'desk', '--interval', '100', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const until = async (ok: () => boolean, what: string): Promise<void> => {
    for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(ok(), `${what}; stdout:\n${out}\nstderr:\n${err}`);
  };
  try {
    await until(() => err.includes('Following deliveries of desk'), 'tail did not start');
    const after = await hl.api<ApiAccepted>('POST', '/v1/businesses/desk/events', { type: 'client/created', data: example });
    const lines = (): { event_id: string; status: string }[] => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event_id: string; status: string });
    await until(() => lines().some((d) => d.event_id === after.body.id && d.status === 'succeeded'), 'the new delivery never showed as succeeded');
    assert.ok(!lines().some((d) => d.event_id === before.body.id), 'a delivery from before tail started is not printed');
  } finally {
    child.kill('SIGINT');
  }
  assert.equal(await exited, 0, err);
});
