// The harness's handle on bench/receiver.mjs: start it, and ask it what has arrived.
import { fileURLToPath } from 'node:url';
import { forkTracked, stopChild } from './children.mjs';
import { ipcCall, ipcFirst } from './ipc.mjs';

const script = fileURLToPath(new URL('../receiver.mjs', import.meta.url));

export async function startReceiver() {
  const child = forkTracked(script, ['0'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await ipcFirst(child, (m) => m?.ready, 'the receiver');
  const base = `http://127.0.0.1:${port}`;
  return {
    pid: child.pid,
    origin: base,
    url: (kind, n) => `${base}/${kind}/${n}`,
    path: (kind, n) => `/${kind}/${n}`,
    reset: (opts = {}) => ipcCall(child, { op: 'reset', delayMs: opts.delayMs ?? 0 }),
    heal: () => ipcCall(child, { op: 'heal' }),
    stats: async () => (await ipcCall(child, { op: 'stats' })).stats,
    /** Map of `<endpoint>:<webhook-id>` to first arrival (monotonic ms). */
    arrivals: async () => {
      const { keys, times } = await ipcCall(child, { op: 'dump' }, 120_000);
      const map = new Map();
      for (let i = 0; i < keys.length; i++) map.set(keys[i], times[i]);
      return map;
    },
    stop: () => stopChild(child, 2000),
  };
}
