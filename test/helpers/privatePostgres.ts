import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A PostgreSQL server of the test's own, to stop and start at will: the shared server on
 * 127.0.0.1:5432 serves other tests at the same time and must never be restarted.
 */
export interface PrivatePostgres {
  url: string;
  /** Stops the server: `immediate` is a crash (no checkpoint), `fast` a clean shutdown. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its files. Safe to call twice. */
  destroy(): Promise<void>;
}

/** The newest installed server binaries, e.g. /usr/lib/postgresql/15/bin; null when none. */
export function findPostgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

/**
 * Why a private cluster cannot run here, or null when it can. initdb refuses to run as root,
 * so as root the server runs as the `postgres` system user (the Debian packages create it).
 */
export async function privatePostgresUnavailable(): Promise<string | null> {
  if (!findPostgresBin()) return 'no PostgreSQL server binaries under /usr/lib/postgresql';
  if (process.getuid?.() === 0) {
    try {
      await run('id', ['-u', 'postgres']);
    } catch {
      return 'running as root, and there is no postgres user to run the server as';
    }
  }
  return null;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = findPostgresBin()!;
  const dir = mkdtempSync(join(tmpdir(), 'hookline-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pg = async (tool: string, args: string[]): Promise<void> => {
    const command = [join(bin, tool), ...args];
    if (asRoot) await run('su', ['postgres', '-s', '/bin/sh', '-c', command.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ')]);
    else await run(command[0]!, command.slice(1));
  };
  const port = await freePort();
  // No fsync: the test kills this server on purpose and never needs its data after a power cut.
  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '--no-instructions']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const start = (): Promise<void> => pg('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start']);
  await start();
  let destroyed: Promise<void> | null = null;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: (mode = 'fast') => pg('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']),
    start,
    destroy() {
      destroyed ??= (async () => {
        await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      })();
      return destroyed;
    },
  };
}
