import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

/** Starts the real `hookline serve` (the built CLI) as a child process and waits for its URL. */
export function spawnServer(env: Record<string, string>, args: string[] = []): Promise<ServerProcess> {
  return spawnCli(['serve', '--port', '0', ...args], env, /Hookline listening on (http:\/\/\S+)/);
}

/** Starts the real `hookline worker` (dispatcher only); `url` is empty. */
export function spawnWorker(env: Record<string, string>): Promise<ServerProcess> {
  return spawnCli(['worker'], env, /Hookline worker started()/);
}

async function spawnCli(args: string[], env: Record<string, string>, ready: RegExp): Promise<ServerProcess> {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, HOOKLINE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    // A server that never says it is listening is killed, or it would keep the test run alive.
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within 20 s:\n${out}`));
    }, 20_000);
    const check = (): void => {
      const m = ready.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(t);
      reject(new Error(`server exited (${code}) before listening:\n${out}`));
    });
  });
  return { child, url, output: () => out, exited };
}

/** Kills every process with SIGKILL and resolves once all have exited: a test's teardown, leaving nothing running. */
export async function killAll(procs: readonly ServerProcess[]): Promise<void> {
  for (const p of procs) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
}
