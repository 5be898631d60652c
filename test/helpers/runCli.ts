import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `hookline` command with `env` on top of this process's environment, minus
 * every HOOKLINE_* variable of the shell the tests run from, so only what the test gives counts.
 */
export function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const full: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HOOKLINE_')) full[k] = v;
  Object.assign(full, env);
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: full, timeout: 9000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
