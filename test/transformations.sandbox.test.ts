import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTransformThread } from '../src/transform/TransformThread.js';

/** The transform thread and its sandboxes (issue 16): what one call can do to the next, and the watchdog behind the CPU budget. */

const request = (n: number) => JSON.stringify({ method: 'POST', url: 'https://example.com/', headers: {}, body: { n }, event: { id: 'evt_1', type: 't/x', business: 'b', data: {} } });

test('a sandbox is kept per key: state lives across calls of one code version and never reaches another key', async (t) => {
  const tt = createTransformThread();
  t.after(() => tt.close());
  const counter = 'let calls = 0; function handler(r) { calls++; globalThis.leak = "from a"; r.body.calls = calls; return r; }';
  const reader = 'function handler(r) { r.body.leak = typeof leak; r.body.tampered = typeof Object.prototype.owned; return r; }';
  const bodyOf = (r: { json: string } | { error: string }) => {
    assert.ok('json' in r, JSON.stringify(r));
    // The thread answers with the request's head, a line break, then the body as it will be sent.
    return JSON.parse(r.json.slice(r.json.indexOf('\n') + 1)) as Record<string, unknown>;
  };
  assert.equal(bodyOf(await tt.run('a:1', counter, request(1))).calls, 1);
  assert.equal(bodyOf(await tt.run('a:1', counter, request(2))).calls, 2, 'the same version runs warm in the same sandbox');
  assert.equal(bodyOf(await tt.run('a:2', counter, request(3))).calls, 1, 'a new version starts from a fresh sandbox');
  await tt.run('p:1', 'function handler(r) { Object.prototype.owned = 1; return r; }', request(4));
  assert.deepEqual(bodyOf(await tt.run('b:1', reader, request(5))), { n: 5, leak: 'undefined', tampered: 'undefined' });
});

test('the watchdog stops a call that overstays, restarts the thread, and the calls behind it run on the new one', async (t) => {
  // A budget the watchdog comes to first stands in for a built-in that loops where the interrupt handler is not asked.
  const tt = createTransformThread(undefined, { hardLimitMs: 1000, budgetMs: 60_000 });
  t.after(() => tt.close());
  const ok = 'function handler(r) { r.body.ok = true; return r; }';
  // Warm the thread first: its start is not part of any call's time.
  const warm = await tt.run('warm:1', ok, request(0));
  assert.ok('json' in warm, JSON.stringify(warm));
  const [stuck, behind] = await Promise.all([tt.run('loop:1', 'function handler(r) { while (true) {} }', request(1)), tt.run('ok:1', ok, request(2))]);
  assert.deepEqual(stuck, { error: 'stopped: the transformation ran past 1000 ms of wall time' });
  assert.ok('json' in behind, JSON.stringify(behind));
  assert.equal(tt.restarts, 1);
});

test('compile errors, a missing handler, exceptions and deep recursion come back as errors naming the problem', async (t) => {
  const tt = createTransformThread();
  t.after(() => tt.close());
  const cases: [string, RegExp][] = [
    ['function handler(r) { return r', /SyntaxError/],
    ['const x = 1;', /must define function handler/],
    ['function handler(r) { throw new TypeError("no amount") }', /TypeError: no amount/],
    ['function handler(r) { function f() { f() } f() }', /stack overflow/],
    ['JSON.stringify = () => 42; function handler(r) { return r }', /./],
  ];
  for (const [i, [code, expected]] of cases.entries()) {
    const r = await tt.run(`e:${i}`, code, request(i));
    if (i === cases.length - 1) {
      assert.ok('json' in r, 'replacing JSON.stringify changes only what the code itself calls');
      continue;
    }
    assert.ok('error' in r, `${code}: ${JSON.stringify(r)}`);
    assert.match(r.error, expected, code);
  }
});
