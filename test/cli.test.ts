import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envNames } from '../src/config.js';
import { HooklineError } from '../src/errors.js';
import { describeError } from '../src/cli/describeError.js';
import { formatDeliveriesTable, shortTime, type DeliveryRow } from '../src/cli/formatDeliveriesTable.js';
import { parseDataOption } from '../src/cli/parseDataOption.js';
import { redactDatabaseUrl } from '../src/cli/redactDatabaseUrl.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cliPath = join(root, 'dist/cli/main.js');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

const tmp = mkdtempSync(join(tmpdir(), 'hookline-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The caller's own HOOKLINE_* settings must not leak into what the tests observe. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('HOOKLINE_') && name !== 'NO_COLOR' && name !== 'FORCE_COLOR') env[name] = value;
  }
  return { ...env, ...extra };
}

function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [cliPath, ...args], { cwd: tmp, env: childEnv(env) });
}

function runCli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 9_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function assertOneErrorLine(run: Run, exitCode: number, pattern: RegExp): void {
  assert.equal(run.code, exitCode, `exit code; stderr: ${run.stderr}`);
  const lines = run.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `exactly one line on stderr, got: ${run.stderr}`);
  assert.match(lines[0] ?? '', /^hookline: /);
  assert.match(lines[0] ?? '', pattern);
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

before(() => assert.ok(existsSync(cliPath), `${cliPath} is missing: run npm run build first`));

describe('formatDeliveriesTable', () => {
  const rows: DeliveryRow[] = [
    {
      id: 'dlv_01J0000000000000000000000A',
      event_type: 'client/created',
      webhook_id: 'wh_01J0000000000000000000000B',
      status: 'succeeded',
      attempt_count: 1,
      last_status_code: 204,
      next_attempt_at: null,
      created_at: '2025-03-02T09:15:00.123Z',
    },
    {
      id: 'dlv_2',
      event_type: 'invoice/paid',
      webhook_id: 'wh_2',
      status: 'retrying',
      attempt_count: 12,
      last_status_code: null,
      next_attempt_at: '2025-03-02T10:00:00Z',
      created_at: '2025-03-02T09:16:00.000Z',
    },
  ];

  test('lines up every column under its title and leaves no trailing spaces', () => {
    const lines = formatDeliveriesTable(rows, { colour: false }).split('\n');
    const [header, first, second] = lines;
    assert.ok(header && first && second);
    assert.equal(header, header.trimEnd());
    assert.equal(header.indexOf('STATUS'), first.indexOf('succeeded'));
    assert.equal(header.indexOf('STATUS'), second.indexOf('retrying'));
    assert.equal(header.indexOf('EVENT TYPE'), second.indexOf('invoice/paid'));
    // Counts are right-aligned under their titles.
    const attemptsEnd = header.indexOf('ATTEMPTS') + 'ATTEMPTS'.length;
    assert.equal(second.indexOf('12') + 2, attemptsEnd);
    for (const line of lines) assert.equal(line, line.trimEnd());
  });

  test('shortens times to the second, keeps the Z, and shows "-" for nothing', () => {
    const table = formatDeliveriesTable(rows, { colour: false });
    assert.match(table, /2025-03-02 09:15:00Z$/m);
    assert.match(table, /2025-03-02 10:00:00Z/);
    assert.equal(shortTime(null), '-');
    assert.equal(shortTime('not a time'), 'not a time');
  });

  test('colours only when asked, and colour does not change the layout', () => {
    const plain = formatDeliveriesTable(rows, { colour: false });
    const coloured = formatDeliveriesTable(rows, { colour: true });
    assert.doesNotMatch(plain, /\u001b\[/);
    assert.match(coloured, /\u001b\[32msucceeded/);
    assert.equal(coloured.replace(/\u001b\[\d+m/g, ''), plain);
  });

  test('says so when there is nothing to show', () => {
    assert.equal(formatDeliveriesTable([], { colour: true }), 'No deliveries.');
  });
});

describe('parseDataOption', () => {
  test('reads inline JSON and @file.json', () => {
    assert.deepEqual(parseDataOption('{"a":1}'), { a: 1 });
    const file = join(tmp, 'data.json');
    writeFileSync(file, '{"b": [1, 2]}');
    assert.deepEqual(parseDataOption(`@${file}`), { b: [1, 2] });
  });

  test('blames the flag and the file, as bad input (exit 2)', () => {
    const missing = join(tmp, 'missing.json');
    assert.throws(() => parseDataOption(`@${missing}`), (err: Error & { exitCode?: number }) => {
      assert.equal(err.exitCode, 2);
      assert.match(err.message, /--data: cannot read .*missing\.json: no such file/);
      return true;
    });
    assert.throws(() => parseDataOption('{oops'), /--data: inline JSON is not valid JSON/);
    assert.throws(() => parseDataOption('@'), /needs a file name/);
  });
});

test('describeError treats an invalid setting as the user\u2019s input (exit 2)', () => {
  const report = describeError(new HooklineError('CONFIG_INVALID', 'HOOKLINE_PORT="x" is not valid:\nexpected a port.'));
  assert.deepEqual(report, { line: 'HOOKLINE_PORT="x" is not valid: expected a port.', exitCode: 2 });
  assert.equal(describeError(new HooklineError('MIGRATION_FAILED', 'boom')).exitCode, 1);
  assert.equal(describeError(new Error('boom')).exitCode, 1);
});

test('redactDatabaseUrl hides a PostgreSQL password and leaves SQLite paths alone', () => {
  assert.equal(redactDatabaseUrl('postgres://hook:s3cret@db:5432/hookline'), 'postgres://hook:***@db:5432/hookline');
  assert.equal(redactDatabaseUrl('file:./data/hookline.db'), 'file:./data/hookline.db');
});

describe('the built command', () => {
  test('--version prints the package version', async () => {
    const run = await runCli(['--version']);
    assert.equal(run.code, 0);
    assert.equal(run.stdout.trim(), version);
  });

  test('serve --help lists one flag per setting with its environment variable', async () => {
    const run = await runCli(['serve', '--help']);
    assert.equal(run.code, 0);
    for (const [key, env] of Object.entries(envNames)) {
      const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      assert.ok(run.stdout.includes(flag), `serve --help lacks ${flag}`);
      assert.ok(run.stdout.includes(env), `serve --help lacks ${env}`);
    }
    assert.match(run.stdout, /default: 8080/);
  });

  test('worker --help offers the dispatcher settings but none of the API ones', async () => {
    const run = await runCli(['worker', '--help']);
    assert.equal(run.code, 0);
    for (const flag of ['--database-url', '--max-in-flight', '--lease-ms', '--poll-ms', '--claim-batch', '--log-level']) {
      assert.ok(run.stdout.includes(flag), `worker --help lacks ${flag}`);
    }
    for (const flag of ['--port', '--host', '--admin-token', '--public-url']) {
      assert.ok(!run.stdout.includes(flag), `worker --help offers ${flag}`);
    }
  });

  test('migrate, send and deliveries --help list their flags and environment variables', async () => {
    const expected: Record<string, string[]> = {
      migrate: ['--database-url', 'HOOKLINE_DATABASE_URL'],
      send: ['<type>', '--business', '--data', '--id', '--occurred-at', '--url', '--token', 'HOOKLINE_URL', 'HOOKLINE_TOKEN'],
      deliveries: ['--business', '--status', '--webhook', '--event', '--limit', '--json', '--url', '--token', 'HOOKLINE_URL', 'HOOKLINE_TOKEN'],
    };
    for (const [command, words] of Object.entries(expected)) {
      const run = await runCli([command, '--help']);
      assert.equal(run.code, 0, command);
      for (const word of words) assert.ok(run.stdout.includes(word), `${command} --help lacks ${word}`);
    }
  });

  test('a bad flag value exits 2 with one line naming the variable', async () => {
    assertOneErrorLine(await runCli(['serve', '--port', 'abc']), 2, /HOOKLINE_PORT="abc"/);
    assertOneErrorLine(await runCli(['worker', '--lease-ms', '5']), 2, /HOOKLINE_LEASE_MS/);
    assertOneErrorLine(await runCli(['migrate'], { HOOKLINE_DATABASE_URL: 'mysql://x' }), 2, /HOOKLINE_DATABASE_URL/);
  });

  test('usage mistakes exit 2 with one line', async () => {
    assertOneErrorLine(await runCli(['serve', '--no-such-flag']), 2, /unknown option '--no-such-flag'/);
    assertOneErrorLine(await runCli(['sevre']), 2, /unknown command 'sevre'/);
    assertOneErrorLine(await runCli(['send', 'client/created', '--data', '{}']), 2, /--business/);
    assertOneErrorLine(await runCli(['deliveries', '--business', 'b', '--status', 'lost']), 2, /--status/);
    assertOneErrorLine(await runCli(['deliveries', '--business', 'b', '--limit', '0']), 2, /--limit/);
  });

  test('send refuses bad --data before touching the network (exit 2)', async () => {
    const args = ['send', 'client/created', '--business', 'b', '--url', 'http://127.0.0.1:9', '--token', 't'];
    assertOneErrorLine(await runCli([...args, '--data', '@nope.json']), 2, /cannot read nope\.json: no such file/);
    assertOneErrorLine(await runCli([...args, '--data', '{"a":']), 2, /not valid JSON/);
  });

  test('send without any token says how to give one (exit 2)', async () => {
    assertOneErrorLine(await runCli(['send', 'client/created', '--business', 'b', '--data', '{}']), 2, /HOOKLINE_TOKEN/);
  });

  test('an unreachable server is one clear line and exit 1', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await runCli(['deliveries', '--business', 'b'], { HOOKLINE_URL: url, HOOKLINE_TOKEN: 'tok' });
    assertOneErrorLine(run, 1, new RegExp(`cannot reach Hookline at ${url}: connection refused; is \`hookline serve\` running\\?`));
  });
});

// The engine is written in parallel with the CLI; these run once dist/app.js exists and serves.
describe('against a running server', { skip: existsSync(join(root, 'dist/app.js')) ? false : 'dist/app.js is not built yet' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-cli-serve-'));
  let serve: ChildProcessWithoutNullStreams | null = null;
  let serveOutput = '';
  let startFailure = '';
  let url = '';
  let token = '';
  let receiver: Server | null = null;
  let webhookId = '';
  let eventId = '';

  const api = async (path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const client = (): Record<string, string> => ({ HOOKLINE_URL: url, HOOKLINE_TOKEN: token });
  const requireServer = (t: TestContext): boolean => {
    if (serve && url) return true;
    t.skip(`hookline serve did not start: ${startFailure}`);
    return false;
  };

  before(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((r) => receiver?.listen(0, '127.0.0.1', r));

    const child = spawnCli(['serve', '--port', '0', '--database-url', `file:${dir}/h.db`, '--allow-private-networks', '--log-level', 'warn']);
    serve = child;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8').on('data', (d: string) => (startFailure += d));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        startFailure ||= 'no URL and token on stdout within 8 s';
        resolve();
      }, 8_000);
      child.stdout.on('data', (d: string) => {
        serveOutput += d;
        const listening = /^Hookline listening on (\S+)$/m.exec(serveOutput);
        const admin = /^Admin token \(shown once, store it now\): (\S+)$/m.exec(serveOutput);
        if (listening?.[1] && admin?.[1]) {
          url = listening[1];
          token = admin[1];
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => {
        startFailure ||= `exited with ${code}`;
        clearTimeout(timer);
        resolve();
      });
    });
  });

  after(async () => {
    if (serve && serve.exitCode === null && serve.signalCode === null) {
      const exited = new Promise((r) => serve?.once('exit', r));
      serve.kill('SIGKILL');
      await exited;
    }
    receiver?.closeAllConnections();
    await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('serve prints its URL and the generated admin token once', (t) => {
    if (!requireServer(t)) return;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(serveOutput, /shown only this once|shown once/);
    assert.equal(serveOutput.split(token).length - 1, 1, 'the token appears exactly once');
  });

  test('send publishes an event from @file and prints its id', async (t) => {
    if (!requireServer(t)) return;
    assert.equal((await api('/v1/businesses', { id: 'acme', name: 'Acme Yoga' })).status, 201);
    const port = (receiver?.address() as AddressInfo).port;
    const webhook = await api('/v1/businesses/acme/webhooks', { name: 'receiver', url: `http://127.0.0.1:${port}/hook`, events: ['client/*'] });
    assert.equal(webhook.status, 201, JSON.stringify(webhook.json));
    webhookId = String(webhook.json.id);

    const file = join(dir, 'client.json');
    writeFileSync(file, JSON.stringify({ business: 'acme', id: 1, first_name: 'Maya', last_name: 'Okafor', email: 'maya@example.com', status: 'active' }));
    const run = await runCli(['send', 'client/created', '--business', 'acme', '--data', `@${file}`], client());
    assert.equal(run.code, 0, run.stderr);
    eventId = run.stdout.trim();
    assert.match(eventId, /^evt_/);
  });

  test('send reports the server\u2019s problem detail, exit 2 for a 4xx', async (t) => {
    if (!requireServer(t)) return;
    const run = await runCli(['send', 'client/created', '--business', 'nobody', '--data', '{}'], client());
    assertOneErrorLine(run, 2, /nobody/);
  });

  test('deliveries shows the delivery in a table, and as JSON with --json', async (t) => {
    if (!requireServer(t) || !eventId) return;
    const args = ['deliveries', '--business', 'acme'];
    let run = await runCli(args, client());
    for (let i = 0; i < 20 && !run.stdout.includes('succeeded'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      run = await runCli(args, client());
    }
    assert.equal(run.code, 0, run.stderr);
    const [header, row] = run.stdout.trimEnd().split('\n');
    assert.match(header ?? '', /^ID +EVENT TYPE +WEBHOOK +WEBHOOK NAME +STATUS +ATTEMPTS +LAST CODE +NEXT ATTEMPT +CREATED$/);
    assert.match(row ?? '', new RegExp(`^dlv_\\S+ +client/created +${webhookId} +receiver +succeeded +1 +204 +- +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`));
    assert.doesNotMatch(run.stdout, /\u001b\[/, 'no colour into a pipe');

    const json = await runCli([...args, '--json', '--event', eventId], client());
    assert.equal(json.code, 0, json.stderr);
    const page = JSON.parse(json.stdout) as { data: { event_id: string }[] };
    assert.deepEqual(page.data.map((d) => d.event_id), [eventId]);

    const none = await runCli([...args, '--status', 'failed'], client());
    assert.equal(none.stdout.trim(), 'No deliveries.');
  });

  test('SIGTERM drains and exits 0', async (t) => {
    if (!requireServer(t) || !serve) return;
    const child = serve;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  test('migrate prepares a fresh database and says so', async () => {
    const run = await runCli(['migrate', '--database-url', `file:${dir}/fresh.db`]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /up to date/);
  });

  test('worker starts, names its database and exits 0 on SIGTERM', async (t) => {
    const child = spawnCli(['worker', '--database-url', `file:${dir}/worker.db`, '--log-level', 'warn']);
    // Leaves nothing running even when an assertion fails half-way.
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let out = '';
    let err = '';
    const started = new RegExp(`^Hookline worker started \\(database: file:${dir}/worker\\.db\\)$`, 'm');
    // SIGTERM the moment the line arrives, as a supervisor would: a worker that printed it before
    // it listened for signals was ended by the signal's default action, without its drain.
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const before = started.test(out);
      out += d;
      if (!before && started.test(out)) child.kill('SIGTERM');
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<string>((r) => child.once('exit', (code, signal) => r(`${code}/${signal}`)));
    for (let waited = 0; !started.test(out); waited += 50) {
      assert.ok(waited < 8_000 && child.exitCode === null, `worker did not start; stdout: ${out} stderr: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // Code and signal, with what it printed: a worker ended by a signal must say which, and why.
    const how = await exited;
    assert.equal(how, '0/null', `worker exited ${how}; stdout: ${out} stderr: ${err}`);
  });
});

