import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dispatcher } from '../src/dispatch/Dispatcher.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(name) ? [p] : [];
  });
}

// Checked by the compiler (npm run typecheck): a public member added to the facade, or one
// taken away, makes this object literal wrong. The roles the engine plays inside (claim host,
// lane host, probe host) are not members of it (issue 13).
const facade: Record<keyof Dispatcher, true> = {
  workerId: true,
  start: true,
  stop: true,
  canHold: true,
  accept: true,
  wake: true,
  othersReleased: true,
  setLiveProcesses: true,
  invalidate: true,
  verifyOwnership: true,
  stats: true,
};

// verifyOwnership (issue 18): the ownership challenge goes out through the engine's sender, with the endpoint's auth and TLS.
// setLiveProcesses (issue 19): the heartbeat tells the engine which processes share the webhooks.
test('the engine shows the rest of Hookline one small facade: eleven members (issues 13, 18, 19)', () => {
  assert.deepEqual(Object.keys(facade).sort(), ['accept', 'canHold', 'invalidate', 'othersReleased', 'setLiveProcesses', 'start', 'stats', 'stop', 'verifyOwnership', 'wake', 'workerId']);
});

test('outside src/dispatch, only the facade, the sender, the heartbeat and small utilities are imported from it (issue 13)', () => {
  // mapSendError: `hookline listen` names its local request's failures with the sender's codes.
  const allowed = new Set(['Dispatcher', 'httpSender', 'SenderThread', 'ProcessHeartbeat', 'ssrfGuard', 'timerDelay', 'mapSendError']);
  const reached: string[] = [];
  for (const file of sources(join(root, 'src'))) {
    const rel = relative(join(root, 'src'), file);
    if (rel.startsWith('dispatch')) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/from '(?:\.\.?\/)+dispatch\/(\w+)\.js'/g)) {
      if (!allowed.has(m[1]!)) reached.push(`${rel} imports dispatch/${m[1]}`);
    }
  }
  assert.deepEqual(reached, []);
});
