import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { describe, test, type TestContext } from 'node:test';
import { MAX_RESPONSE_BODY_BYTES, decodeBounded } from '../src/dispatch/ResponseReader.js';
import { mapSendError } from '../src/dispatch/mapSendError.js';
import { createSender, type SendRequest, type Sender, type SenderOptions } from '../src/dispatch/httpSender.js';
import { createThreadedSender } from '../src/dispatch/SenderThread.js';
import { until } from './helpers/wait.js';

// Loaded test runs share two cores; deadlines may fire this much late without being wrong.
const SLACK_MS = 250;

interface Receiver {
  url: (path?: string) => string;
  port: number;
  connections: () => number;
  requests: http.IncomingMessage[];
  bodies: string[];
}

async function listen(t: TestContext, server: net.Server): Promise<number> {
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    if (server instanceof http.Server) server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  Object.defineProperty(server, 'connectionCount', { get: () => connections });
  return (server.address() as net.AddressInfo).port;
}

async function receiver(t: TestContext, handle: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Receiver> {
  const requests: http.IncomingMessage[] = [];
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req);
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      bodies.push(body);
      handle(req, res);
    });
  });
  const port = await listen(t, server);
  return {
    port,
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    connections: () => (server as unknown as { connectionCount: number }).connectionCount,
    requests,
    bodies,
  };
}

const request = (url: string, extra: Partial<SendRequest> = {}): SendRequest => ({
  url, body: '{"type":"client/created"}', headers: {}, timeoutMs: 1000, ...extra,
});

// Every behaviour holds for both senders: the one the dispatcher uses by default runs the same
// code on a worker thread (HOOKLINE_THREADS).
const implementations: Record<string, (opts: SenderOptions) => Sender> = {
  'on the main thread': createSender,
  'on a worker thread': (opts) => createThreadedSender(opts, (err) => assert.fail(err)),
};

for (const [where, make] of Object.entries(implementations)) {
describe(`the sender ${where}`, () => {
  async function sender(t: TestContext, allowPrivateNetworks = true, connectionsPerOrigin?: number): Promise<Sender> {
    const s = make({ allowPrivateNetworks, userAgent: 'Hookline/test', connectionsPerOrigin });
    t.after(() => s.close());
    await s.ready();
    return s;
  }


  test('a 200 comes back with its status and body', async (t) => {
    const rx = await receiver(t, (_req, res) => res.end('thanks'));
    const before = Date.now();
    const result = await (await sender(t)).send(request(rx.url(), { headers: { 'webhook-id': 'msg_1' } }));
    assert.deepEqual({ ...result, startedAt: 0, durationMs: 0 }, {
      startedAt: 0, durationMs: 0, statusCode: 200, error: null, responseBody: 'thanks', retryAfterMs: null,
    });
    assert.ok(result.startedAt >= before && result.startedAt <= Date.now());
    assert.ok(result.durationMs >= 0 && result.durationMs < 1000);
    const [req] = rx.requests;
    assert.equal(req?.method, 'POST');
    assert.equal(req?.url, '/hook');
    assert.equal(req?.headers['content-type'], 'application/json');
    assert.equal(req?.headers['user-agent'], 'Hookline/test');
    assert.equal(req?.headers['webhook-id'], 'msg_1');
    assert.equal(rx.bodies[0], '{"type":"client/created"}');
  });

  test('custom headers cannot replace content-type, user-agent or framing headers', async (t) => {
    const rx = await receiver(t, (_req, res) => res.end());
    const result = await (await sender(t)).send(request(rx.url('/p?q=1'), {
      headers: { 'Content-Type': 'text/plain', 'USER-AGENT': 'evil', Host: 'metadata.internal', 'Transfer-Encoding': 'chunked', 'X-Tenant': 'a' },
    }));
    assert.equal(result.statusCode, 200);
    const req = rx.requests[0]!;
    assert.equal(req.url, '/p?q=1');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['user-agent'], 'Hookline/test');
    assert.equal(req.headers.host, `127.0.0.1:${rx.port}`);
    assert.equal(req.headers['transfer-encoding'], undefined);
    assert.equal(req.headers['x-tenant'], 'a');
    assert.equal(rx.bodies[0], '{"type":"client/created"}');
  });

  test('a 500 is a status, not an error', async (t) => {
    const rx = await receiver(t, (_req, res) => {
      res.statusCode = 500;
      res.end('boom');
    });
    const result = await (await sender(t)).send(request(rx.url()));
    assert.equal(result.statusCode, 500);
    assert.equal(result.error, null);
    assert.equal(result.responseBody, 'boom');
  });

  test('a 301 is returned as is and never followed', async (t) => {
    let followed = 0;
    const rx = await receiver(t, (req, res) => {
      if (req.url === '/moved') {
        followed++;
        return res.end();
      }
      res.writeHead(301, { location: '/moved' });
      res.end('see /moved');
    });
    const result = await (await sender(t)).send(request(rx.url()));
    assert.equal(result.statusCode, 301);
    assert.equal(result.responseBody, 'see /moved');
    assert.equal(followed, 0);
  });

  test('a receiver that never answers ends at timeoutMs', async (t) => {
    const rx = await receiver(t, () => {});
    const s = await sender(t);
    const started = performance.now();
    const result = await s.send(request(rx.url(), { timeoutMs: 300 }));
    const elapsed = performance.now() - started;
    assert.equal(result.error, 'timeout');
    assert.equal(result.statusCode, null);
    assert.equal(result.responseBody, null);
    assert.ok(elapsed >= 295 && elapsed < 300 + SLACK_MS, `${elapsed} ms`);
    assert.ok(result.durationMs >= 295 && result.durationMs < 300 + SLACK_MS);
  });

  test('a receiver that trickles its body still ends at timeoutMs', async (t) => {
    let timer: NodeJS.Timeout | undefined;
    t.after(() => clearInterval(timer));
    const rx = await receiver(t, (_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      timer = setInterval(() => res.write('x'), 50);
    });
    const s = await sender(t);
    const started = performance.now();
    const result = await s.send(request(rx.url(), { timeoutMs: 400 }));
    const elapsed = performance.now() - started;
    assert.equal(result.error, 'timeout');
    // Headers arrived, but an attempt is only answered once its response is complete.
    assert.equal(result.statusCode, null);
    assert.ok(elapsed >= 395 && elapsed < 400 + SLACK_MS, `${elapsed} ms`);
  });

  /** Streams `total` bytes, honouring backpressure, and reports how far it got. */
  function bigResponder(total: number, headers: http.OutgoingHttpHeaders) {
    const stats = { written: 0, finished: false, closed: null as Promise<void> | null };
    const handle = (_req: http.IncomingMessage, res: http.ServerResponse) => {
      stats.closed = new Promise((resolve) => res.on('close', resolve));
      res.on('finish', () => (stats.finished = true));
      res.writeHead(200, headers);
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = () => {
        while (stats.written < total && !res.destroyed) {
          stats.written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    };
    return { stats, handle };
  }

  test('a 10 MB response keeps 4 KiB and hangs up instead of reading the rest', async (t) => {
    const total = 10 * 1024 * 1024;
    const big = bigResponder(total, { 'content-length': String(total) });
    const rx = await receiver(t, big.handle);
    const result = await (await sender(t)).send(request(rx.url()));
    assert.equal(result.statusCode, 200);
    assert.equal(result.error, null);
    assert.equal(result.responseBody, 'a'.repeat(MAX_RESPONSE_BODY_BYTES));
    await big.stats.closed;
    // The receiver saw the connection close before it could hand over the whole body.
    assert.equal(big.stats.finished, false);
    assert.ok(big.stats.written < total, `${big.stats.written} bytes written`);
  });

  test('a large chunked response is cut off too', async (t) => {
    const total = 10 * 1024 * 1024;
    const big = bigResponder(total, {});
    const rx = await receiver(t, big.handle);
    const result = await (await sender(t)).send(request(rx.url()));
    assert.equal(result.statusCode, 200);
    assert.equal(Buffer.byteLength(result.responseBody ?? ''), MAX_RESPONSE_BODY_BYTES);
    await big.stats.closed;
    assert.equal(big.stats.finished, false);
  });

  test('a modest body past 4 KiB is read to its end so the connection is reused', async (t) => {
    const page = '<html>' + 'e'.repeat(20_000) + '</html>';
    const rx = await receiver(t, (_req, res) => {
      res.statusCode = 502;
      res.end(page);
    });
    const s = (await sender(t));
    for (let i = 0; i < 6; i++) {
      const result = await s.send(request(rx.url()));
      assert.equal(result.statusCode, 502);
      assert.equal(result.responseBody, page.slice(0, MAX_RESPONSE_BODY_BYTES));
    }
    // Six connections if each response were cut off; see the next test for why two, not one.
    assert.ok(rx.connections() <= 2, `${rx.connections()} connections`);
  });

  test('sequential sends reuse one keep-alive connection', async (t) => {
    const rx = await receiver(t, (_req, res) => res.end('ok'));
    const s = (await sender(t));
    for (let i = 0; i < 5; i++) {
      assert.equal((await s.send(request(rx.url()))).statusCode, 200);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    assert.equal(rx.connections(), 1);
  });

  test('back-to-back sends use at most two connections', async (t) => {
    // undici's pool marks a connection free one loop turn after its response ends, so a send
    // issued in the same turn opens a second connection; from then on the two alternate.
    const rx = await receiver(t, (_req, res) => res.end('ok'));
    const s = (await sender(t));
    for (let i = 0; i < 20; i++) assert.equal((await s.send(request(rx.url()))).statusCode, 200);
    assert.ok(rx.connections() <= 2, `${rx.connections()} connections`);
  });

  test('a closed port is connection_refused', async (t) => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = await (await sender(t)).send(request(`http://127.0.0.1:${port}/`));
    assert.equal(result.error, 'connection_refused');
    assert.equal(result.statusCode, null);
  });

  test('a connection reset before the response is connection_reset', async (t) => {
    const rx = await receiver(t, (req) => req.socket.destroy());
    const result = await (await sender(t)).send(request(rx.url()));
    assert.equal(result.error, 'connection_reset');
  });

  test('a connection reset in the middle of the body is connection_reset', async (t) => {
    const rx = await receiver(t, (req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial', () => setTimeout(() => req.socket.destroy(), 20));
    });
    const result = await (await sender(t)).send(request(rx.url()));
    assert.equal(result.error, 'connection_reset');
    assert.equal(result.statusCode, null);
  });

  test('a response that is not HTTP is invalid_response', async (t) => {
    const server = net.createServer((socket) => {
      socket.once('data', () => socket.end('SMTP ready\r\n\r\n'));
    });
    const port = await listen(t, server);
    const result = await (await sender(t)).send(request(`http://127.0.0.1:${port}/`));
    assert.equal(result.error, 'invalid_response');
    assert.equal(result.statusCode, null);
  });

  test('https to a plain HTTP port is a tls error', async (t) => {
    const rx = await receiver(t, (_req, res) => res.end());
    const result = await (await sender(t)).send(request(`https://127.0.0.1:${rx.port}/`));
    assert.equal(result.error, 'tls');
  });

  test('an unresolvable host is a dns error', async (t) => {
    const result = await (await sender(t)).send(request('http://hookline-test.invalid/', { timeoutMs: 2000 }));
    if (result.error === 'timeout') return t.skip('this machine\'s resolver did not answer in time');
    assert.equal(result.error, 'dns');
  });

  test('loopback targets are blocked_target without a connection when private networks are not allowed', async (t) => {
    const rx = await receiver(t, (_req, res) => res.end());
    const s = (await sender(t, false));
    // 127.0.0.1 and [::1] are literals (checked before connecting); localhost goes through the resolver.
    for (const url of [rx.url(), `http://[::1]:${rx.port}/`, `http://localhost:${rx.port}/`, `http://0x7f.1:${rx.port}/`]) {
      const result = await s.send(request(url));
      assert.equal(result.error, 'blocked_target', url);
      assert.equal(result.statusCode, null);
    }
    assert.equal(rx.connections(), 0);
  });

  test('loopback targets are delivered to when private networks are allowed', async (t) => {
    const rx = await receiver(t, (_req, res) => res.end('ok'));
    const result = await (await sender(t, true)).send(request(`http://localhost:${rx.port}/`));
    assert.equal(result.statusCode, 200);
  });

  test('Retry-After is parsed from the response', async (t) => {
    const rx = await receiver(t, (req, res) => {
      const date = new Date(Date.now() + 120_000).toUTCString();
      res.writeHead(req.url === '/date' ? 503 : 429, { 'retry-after': req.url === '/date' ? date : '7' });
      res.end();
    });
    const s = (await sender(t));
    const seconds = await s.send(request(rx.url('/seconds')));
    assert.equal(seconds.statusCode, 429);
    assert.equal(seconds.retryAfterMs, 7000);
    const date = await s.send(request(rx.url('/date')));
    assert.equal(date.statusCode, 503);
    assert.ok(date.retryAfterMs !== null && date.retryAfterMs > 115_000 && date.retryAfterMs <= 120_000, String(date.retryAfterMs));
  });

  test('an attempt whose deadline passes while it waits for a connection is never sent', async (t) => {
    const rx = await receiver(t, (req, res) => {
      if (req.url === '/slow') return; // holds the only connection
      res.end('ok');
    });
    const s = (await sender(t, true, 1));
    const slow = s.send(request(rx.url('/slow'), { timeoutMs: 500 }));
    const started = performance.now();
    const queued = await s.send(request(rx.url('/queued'), { timeoutMs: 150 }));
    assert.equal(queued.error, 'timeout');
    assert.ok(performance.now() - started < 150 + SLACK_MS);
    assert.equal((await slow).error, 'timeout');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(rx.requests.map((r) => r.url), ['/slow']);
  });

  test('bad input is a result, never a throw', async (t) => {
    const rx = await receiver(t, (_req, res) => res.end());
    const s = (await sender(t));
    assert.equal((await s.send(request('not a url'))).error, 'invalid_request');
    assert.equal((await s.send(request('ftp://example.com/'))).error, 'invalid_request');
    assert.equal((await s.send(request(rx.url(), { headers: { 'x-bad': 'a\r\nInjected: 1' } }))).error, 'invalid_request');
    assert.equal((await s.send(request(rx.url(), { headers: { 'bad name': 'v' } }))).error, 'invalid_request');
    assert.equal((await s.send(request(rx.url(), { headers: null as unknown as Record<string, string> }))).error, 'invalid_request');
    assert.equal((await s.send(request(rx.url(), { body: 42 as unknown as string }))).error, 'invalid_request');
    assert.equal(rx.requests.length, 0);
  });

  test('close waits for attempts in flight, is safe twice, and later sends fail cleanly', async (t) => {
    const rx = await receiver(t, () => {});
    const s = make({ allowPrivateNetworks: true, userAgent: 'Hookline/test' });
    const inFlight = s.send(request(rx.url(), { timeoutMs: 300 }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await Promise.all([s.close(), s.close()]);
    assert.equal((await inFlight).error, 'timeout');
    assert.equal((await s.send(request(rx.url()))).error, 'network');
  });
});
}

test('when the sending thread dies, its attempts fail with network and later ones are sent from the main thread', async (t) => {
  const hang = await receiver(t, () => {});
  const ok = await receiver(t, (_req, res) => res.end('fine'));
  const errors: Error[] = [];
  const s = createThreadedSender({ allowPrivateNetworks: true, userAgent: 'Hookline/test' }, (err) => errors.push(err));
  t.after(() => s.destroy());
  await s.ready();
  const stuck = s.send(request(hang.url(), { timeoutMs: 5000 }));
  await until('the request reached the receiver', async () => hang.requests.length === 1);
  await s.thread.terminate();
  assert.equal((await stuck).error, 'network');
  assert.match(String(errors[0]?.message), /sending thread stopped/);
  const after = await s.send(request(ok.url()));
  assert.equal(after.statusCode, 200);
  assert.equal(after.responseBody, 'fine');
});

test('response bodies are cut at a character boundary and stay within 4 KiB once encoded', () => {
  const accented = Buffer.from('a'.repeat(MAX_RESPONSE_BODY_BYTES - 1) + 'é');
  const kept = accented.subarray(0, MAX_RESPONSE_BODY_BYTES); // splits the é
  assert.equal(decodeBounded([kept], kept.length), 'a'.repeat(MAX_RESPONSE_BODY_BYTES - 1));
  const garbage = Buffer.alloc(MAX_RESPONSE_BODY_BYTES, 0xff); // each byte decodes to 3-byte U+FFFD
  const text = decodeBounded([garbage], garbage.length);
  assert.ok(Buffer.byteLength(text) <= MAX_RESPONSE_BODY_BYTES);
  assert.equal(decodeBounded([Buffer.from('ok '), Buffer.from('€')], 6), 'ok €');
  assert.equal(decodeBounded([], 0), '');
});

test('undici and socket errors map to attempt error codes', () => {
  const cases: Array<[string, string]> = [
    ['ECONNREFUSED', 'connection_refused'], ['ECONNRESET', 'connection_reset'], ['EPIPE', 'connection_reset'],
    ['UND_ERR_SOCKET', 'connection_reset'], ['ENOTFOUND', 'dns'], ['EAI_AGAIN', 'dns'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'], ['UND_ERR_HEADERS_TIMEOUT', 'timeout'], ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['ETIMEDOUT', 'timeout'], ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'], ['CERT_HAS_EXPIRED', 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'], ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'], ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls'], ['HOOKLINE_BLOCKED_TARGET', 'blocked_target'], ['HPE_INVALID_CONSTANT', 'invalid_response'],
    ['UND_ERR_INVALID_ARG', 'invalid_request'], ['EHOSTUNREACH', 'network'], ['SOMETHING_NEW', 'network'],
  ];
  for (const [code, expected] of cases) assert.equal(mapSendError(Object.assign(new Error(code), { code })), expected, code);
  const happyEyeballs = new AggregateError([Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })]);
  assert.equal(mapSendError(happyEyeballs), 'connection_refused');
  assert.equal(mapSendError(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }) })), 'dns');
  assert.equal(mapSendError('not an error'), 'network');
  // undici 7 builds some parser errors without a code.
  assert.equal(mapSendError(Object.assign(new Error('Response does not match the HTTP/1.1 protocol'), { name: 'HTTPParserError' })), 'invalid_response');
});

test('leaves nothing running', async () => {
  // A closed handle stays listed until libuv's close callback, a loop turn or two later.
  const open = () => process.getActiveResourcesInfo().filter((r) => /TCP|Timeout|Immediate/.test(r));
  for (let i = 0; i < 20 && open().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(open(), []);
});
