// BullMQ's Redis: use the one on 127.0.0.1:6379, or start one for the run (no persistence,
// loopback only) and stop it with the run.
import { createConnection } from 'node:net';
import { spawnTracked } from './children.mjs';

export const REDIS = Object.freeze({ host: '127.0.0.1', port: 6379 });

export function redisReachable(timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = createConnection(REDIS);
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => {
      socket.write('PING\r\n');
      socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
    });
  });
}

/** True when Redis answers, starting it first if `start` and it does not. */
export async function ensureRedis({ start }) {
  if (await redisReachable()) return true;
  if (!start) return false;
  try {
    const child = spawnTracked('redis-server', ['--bind', REDIS.host, '--port', String(REDIS.port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    child.once('error', () => {});
  } catch {
    return false;
  }
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (await redisReachable()) return true;
  }
  return false;
}
