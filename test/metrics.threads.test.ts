import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { serverWithReceiver } from './helpers/journey.js';
import { startTestHookline } from './helpers/hookline.js';

function threadCpu(metrics: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of metrics.matchAll(/^hookline_thread_cpu_seconds\{thread="(\w+)"\} ([\d.e+-]+)$/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}

const linux = existsSync('/proc/thread-self');

test('each thread reports its CPU time in /metrics while it delivers, and keeps counting', { skip: !linux && 'per-thread CPU needs /proc' }, async (t) => {
  const { hl, rx, b, hooks } = await serverWithReceiver(t);
  const created = await hl.api('POST', hooks, { url: rx.url, events: ['invoice/paid'] });
  assert.equal(created.status, 201);
  const first = threadCpu(await fetch(`${hl.url}/metrics`).then((r) => r.text()));
  assert.deepEqual([...first.keys()].sort(), ['main', 'sender', 'store']);
  for (const [thread, seconds] of first) assert.ok(seconds > 0, `${thread}: ${seconds}`);

  for (let i = 0; i < 4; i++) {
    const events = Array.from({ length: 250 }, (_, k) => ({ type: 'invoice/paid', data: { id: `inv_${i}_${k}`, note: 'x'.repeat(500) } }));
    assert.equal((await hl.api('POST', `/v1/businesses/${b}/events/batch`, { events })).status, 202);
  }
  await rx.waitFor(1000, 30_000);
  const second = threadCpu(await fetch(`${hl.url}/metrics`).then((r) => r.text()));
  for (const thread of ['main', 'store', 'sender']) assert.ok(second.get(thread)! >= first.get(thread)!, `${thread} went from ${first.get(thread)} to ${second.get(thread)}`);
  assert.ok(second.get('main')! + second.get('store')! + second.get('sender')! > first.get('main')! + first.get('store')! + first.get('sender')!, 'a thousand deliveries cost some CPU');
});

test('without worker threads only the main thread is reported', { skip: !linux && 'per-thread CPU needs /proc' }, async (t) => {
  const hl = await startTestHookline({ threads: false });
  t.after(() => hl.stop());
  const cpu = threadCpu(await fetch(`${hl.url}/metrics`).then((r) => r.text()));
  assert.deepEqual([...cpu.keys()], ['main']);
});
