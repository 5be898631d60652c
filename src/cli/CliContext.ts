/**
 * What a command may use from the outside world. `main.ts` builds it from the real process;
 * commands never reach for `process.env` themselves, so configuration enters in one place.
 */
export interface CliContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  /** Ends the process; long-running commands call it once they have shut down. */
  exit(code: number): never;
}

export function printLine(stream: NodeJS.WritableStream, text: string): void {
  stream.write(`${text}\n`);
}
