#!/usr/bin/env node
import { describeError } from './describeError.js';
import { buildProgram } from './program.js';

// The only place in the CLI that reads the process's environment and arguments.
const program = buildProgram({
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  exit: (code) => process.exit(code),
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const { line, exitCode } = describeError(err);
  if (line !== null) process.stderr.write(`hookline: ${line}\n`);
  process.exit(exitCode);
}
