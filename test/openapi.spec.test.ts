import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import type { ApiIssuedToken } from './helpers/apiShapes.js';
import { exampleOf, fillPath, listRoutes, type RouteOp } from './helpers/apiRoutes.js';

/**
 * Issue 15: /openapi.json is fit to generate clients. Every operation has a camelCase
 * operationId; shapes are named component schemas; every status the server answers is
 * declared with the media type it is sent in; `@redocly/cli lint` (recommended rules) finds
 * nothing. The checks walk the document, so a route added later is held to the same rules and
 * a failure names it.
 */

type Json = Record<string, any>;
let hl: TestInstance;
let doc: Json;
let ops: RouteOp[];

before(async () => {
  hl = await startTestHookline();
  const res = await hl.api<Json>('GET', '/openapi.json', undefined, null);
  // A route schema that breaks the document (two shapes under one title) makes this a 500.
  assert.equal(res.status, 200, `GET /openapi.json: ${JSON.stringify(res.body)}`);
  doc = res.body;
  ops = await listRoutes(hl.api);
});
after(() => hl.stop());

const operation = (op: RouteOp): Json => doc.paths[op.path][op.method.toLowerCase()];
const refTarget = (node: Json): Json => (typeof node.$ref === 'string' ? node.$ref.split('/').slice(1).reduce((o: Json, k: string) => o[k], doc) : node);

test('every operation has a stable camelCase operationId, unique across the document', () => {
  const missing = ops.filter((op) => !operation(op).operationId).map((op) => `${op.method} ${op.path}`);
  assert.deepEqual(missing, [], `operations without an operationId (add one to the route's schema):\n${missing.join('\n')}`);
  const bad = ops.filter((op) => !/^[a-z][A-Za-z0-9]*$/.test(operation(op).operationId)).map((op) => `${op.method} ${op.path}: ${operation(op).operationId}`);
  assert.deepEqual(bad, [], 'operationIds are camelCase');
  const ids = ops.map((op) => operation(op).operationId as string);
  assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'operationIds are unique');
});

test('both APIs are described: Hookline under /v1 and Svix under /api/v1', () => {
  assert.ok(ops.filter((op) => op.path.startsWith('/v1/')).length >= 30, '/v1 operations');
  assert.ok(ops.filter((op) => op.path.startsWith('/api/v1/')).length >= 25, '/api/v1 operations');
  assert.deepEqual(doc.servers, [{ url: '/', description: 'The Hookline server serving this document' }]);
});

test('shapes are named component schemas, referenced where they are used', () => {
  for (const name of ['Business', 'Webhook', 'Event', 'Delivery', 'Attempt', 'Problem', 'Token', 'IssuedToken', 'CreateWebhook', 'PublishEvent', 'SvixApplicationOut', 'SvixHttpError']) {
    assert.ok(doc.components.schemas[name], `components.schemas.${name}`);
  }
  const ok = (path: string, method: string, status: string) => doc.paths[path][method].responses[status].content['application/json'].schema.$ref;
  assert.equal(ok('/v1/businesses/{b}/webhooks/{id}', 'get', '200'), '#/components/schemas/Webhook');
  assert.equal(ok('/v1/businesses/{b}/deliveries/{id}', 'get', '200'), '#/components/schemas/Delivery');
  assert.equal(doc.components.schemas.Delivery.properties.attempts.items.$ref, '#/components/schemas/Attempt');
  assert.equal(doc.paths['/v1/businesses/{b}/events'].post.requestBody.content['application/json'].schema.$ref, '#/components/schemas/PublishEvent');
});

test('errors are declared as application/problem+json under /v1 and as Svix JSON under /api/v1', () => {
  const media = (path: string, method: string, status: string) => Object.keys(refTarget(doc.paths[path][method].responses[status]).content);
  assert.deepEqual(media('/v1/businesses/{b}/webhooks', 'post', '422'), ['application/problem+json']);
  assert.deepEqual(media('/v1/businesses/{b}/webhooks', 'post', '401'), ['application/problem+json']);
  assert.deepEqual(media('/api/v1/app/{app_id}/msg', 'post', '409'), ['application/json']);
  assert.deepEqual(media('/api/v1/app/{app_id}/msg', 'post', '400').sort(), ['application/json', 'application/problem+json']);
  // What the HTTP layer refuses before any route runs can happen to every operation.
  const lacking = ops.filter((op) => ['400', '408', '431'].some((s) => !operation(op).responses[s])).map((op) => `${op.method} ${op.path}`);
  assert.deepEqual(lacking, [], 'every operation declares 400, 408 and 431');
});

test('docs/openapi.json is the document the server serves (regenerate: npm run openapi)', () => {
  const committed = JSON.parse(readFileSync(new URL('../docs/openapi.json', import.meta.url), 'utf8')) as Json;
  if (isDeepStrictEqual(committed, doc)) return;
  // Name what differs, so the reader sees whether the change was meant.
  const differs: string[] = [];
  for (const part of ['info', 'servers', 'security'] as const) if (!isDeepStrictEqual(committed[part], doc[part])) differs.push(part);
  for (const group of ['paths', 'components'] as const) {
    for (const key of new Set([...Object.keys(committed[group] ?? {}), ...Object.keys(doc[group] ?? {})])) {
      const a = committed[group]?.[key] as Json | undefined;
      const b = doc[group]?.[key] as Json | undefined;
      for (const sub of new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])) {
        if (!isDeepStrictEqual(a?.[sub], b?.[sub])) differs.push(`${group} ${key} ${sub}${a?.[sub] === undefined ? ' (new)' : b?.[sub] === undefined ? ' (gone)' : ''}`);
      }
    }
  }
  assert.fail(`docs/openapi.json is not what the server serves; run \`npm run openapi\` and commit it. Differs at:\n${differs.slice(0, 40).join('\n')}`);
});

test('@redocly/cli lint with the recommended rules finds no error and no warning', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const cli = fileURLToPath(new URL('../node_modules/@redocly/cli/bin/cli.js', import.meta.url));
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [cli, 'lint', file, '--extends=recommended', '--format=json'],
        { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' }, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
        // Exit code 1 means errors were found; the report says which.
        (err, out) => (out ? resolve(out) : reject(err ?? new Error('redocly printed nothing'))),
      ),
    );
    const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string; location: { pointer: string }[] }[] };
    const found = report.problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    assert.deepEqual({ errors: report.totals.errors, warnings: report.totals.warnings }, { errors: 0, warnings: 0 }, found.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The declared response for a status, and whether it allows this media type; null when it allows it. */
function undeclared(op: RouteOp, status: number, contentType: string | null): string | null {
  const responses = operation(op).responses as Json;
  const declared = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  if (!declared) return `${status} is not declared`;
  const content = refTarget(declared).content as Json | undefined;
  const type = contentType?.split(';')[0]!.trim() ?? null;
  if (type === null || !content) return type === null || !content ? null : `${status} sends ${type}, declared with no body`;
  return type in content ? null : `${status} sends ${type}, declared as ${Object.keys(content).join(', ')}`;
}

test('every answer to a probe of every operation has a declared status and media type', async () => {
  const b = 'spec-probe';
  await hl.api('POST', '/v1/businesses', { id: b, name: 'Probe' });
  await hl.api('POST', '/v1/businesses', { id: 'spec-other', name: 'Other' });
  const own = (await hl.api<ApiIssuedToken>('POST', `/v1/businesses/${b}/tokens`, {})).body.token;
  const other = (await hl.api<ApiIssuedToken>('POST', '/v1/businesses/spec-other/tokens', {})).body.token;
  const problems: string[] = [];
  let probes = 0;
  for (const op of ops) {
    const params = { b, app_id: b };
    const hasBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(op.method);
    const json = op.body ? JSON.stringify(exampleOf(op.body)) : undefined;
    const cases: { name: string; path: string; token: string | null; type?: string; body?: string }[] = [
      { name: 'no token', path: fillPath(op.path, params), token: null, type: json && 'application/json', body: json },
      { name: 'admin, example', path: fillPath(op.path, params), token: hl.adminToken, type: json && 'application/json', body: json },
      { name: 'unknown business', path: fillPath(op.path, { b: 'no-such-business', app_id: 'no-such-app' }), token: hl.adminToken, type: json && 'application/json', body: json },
      { name: 'own business token', path: fillPath(op.path, params), token: own, type: json && 'application/json', body: json },
      { name: "another business's token", path: fillPath(op.path, params), token: other, type: json && 'application/json', body: json },
    ];
    if (hasBody) {
      cases.push(
        { name: 'text/plain body', path: fillPath(op.path, params), token: hl.adminToken, type: 'text/plain', body: 'hello' },
        { name: 'broken JSON', path: fillPath(op.path, params), token: hl.adminToken, type: 'application/json', body: '{"a":' },
        { name: 'a body over 1 MiB', path: fillPath(op.path, params), token: hl.adminToken, type: 'application/json', body: JSON.stringify('x'.repeat(1100 * 1024)) },
        { name: 'a JSON array', path: fillPath(op.path, params), token: hl.adminToken, type: 'application/json', body: '[1]' },
      );
    }
    for (const c of cases) {
      const headers: Record<string, string> = {};
      if (c.token) headers.authorization = `Bearer ${c.token}`;
      if (c.type) headers['content-type'] = c.type;
      const res = await fetch(hl.url + c.path, { method: op.method, headers, body: c.body });
      await res.arrayBuffer();
      probes++;
      const why = undeclared(op, res.status, res.status === 204 ? null : res.headers.get('content-type'));
      if (why) problems.push(`${op.method} ${op.path} (${c.name}): ${why}`);
    }
  }
  assert.deepEqual(problems, [], `answers the document does not declare:\n${problems.join('\n')}`);
  assert.ok(probes > 400, `${probes} probes`);
});

test('requests refused by the HTTP layer (malformed, headers over 16 KiB) answer problem+json, as declared', async () => {
  const raw = (request: string) =>
    new Promise<string>((resolve, reject) => {
      const url = new URL(hl.url);
      const socket = connect(Number(url.port), url.hostname, () => socket.end(request));
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
  const tooLarge = await raw(`GET /v1/event-types HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
  assert.match(tooLarge, /^HTTP\/1\.1 431 /);
  assert.match(tooLarge, /content-type: application\/problem\+json/i);
  assert.equal(JSON.parse(tooLarge.slice(tooLarge.indexOf('\r\n\r\n') + 4)).code, 'HEADERS_TOO_LARGE');
  const malformed = await raw('GET /v1/event-types HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n');
  assert.match(malformed, /^HTTP\/1\.1 400 /);
  assert.equal(JSON.parse(malformed.slice(malformed.indexOf('\r\n\r\n') + 4)).code, 'BAD_REQUEST');
});
