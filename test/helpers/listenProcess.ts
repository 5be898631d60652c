import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { until } from './wait.js';

const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** One `hookline listen` line of `--json` output: a delivery re-sent to the local URL. */
export interface ListenLine {
  time: string;
  type: string;
  event_id: string;
  delivery_id: string;
  attempt: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface ListenProcess {
  child: ChildProcess;
  /** The signing secret and listener id the CLI printed first. */
  ready(): Promise<{ listener: string; secret: string }>;
  /** The deliveries it printed so far. */
  lines(): ListenLine[];
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

/**
 * `hookline listen --json` as a child process, as a developer runs it: built `dist/`, its own
 * environment (none of the shell's HOOKLINE_* variables), output collected for the test.
 */
export function startListen(args: string[], env: Record<string, string>): ListenProcess {
  const full: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HOOKLINE_')) full[k] = v;
  Object.assign(full, env);
  const child = spawn(process.execPath, [cli, 'listen', '--json', ...args], { env: full, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const parsed = (): Record<string, unknown>[] => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    lines: () => parsed().filter((l) => 'event_id' in l) as unknown as ListenLine[],
    ready: () =>
      until(`hookline listen printed its secret; stderr:\n${err}`, async () => {
        const first = parsed()[0];
        return first && typeof first.secret === 'string' ? { listener: String(first.listener), secret: first.secret } : null;
      }),
  };
}
