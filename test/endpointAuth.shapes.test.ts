import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { newBusiness } from './helpers/businesses.js';
import type { ApiProblem, ApiWebhook } from './helpers/apiShapes.js';

/**
 * Shapes of the endpoint fields (issue 18): `auth`, `tls` and `verification` given as arrays,
 * numbers, nested objects, control characters or nothing at all are refused with a 4xx that
 * says what to fix, on create and on change, and never a 5xx; no secret is echoed back.
 */

let hl: TestInstance;
let b: string;
let existing: string;
before(async () => {
  hl = await startTestHookline();
  b = await newBusiness(hl.api);
  const w = await hl.api<ApiWebhook>('POST', `/v1/businesses/${b}/webhooks`, { url: 'http://127.0.0.1:9/x', events: ['client/created'] });
  existing = w.body.id;
});
after(() => hl.stop());

/** Stands in for a secret: it must never come back in a refusal. */
const marker = 'SECRET-MARKER';
const control = fc.string({ unit: fc.constantFrom('\u0000', '\u0001', '\r\n', '\u007f', '中', 'a', ':', ' '), minLength: 1, maxLength: 8 });
const odd = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  control,
  fc.constantFrom('', [], {}, [1, 2], [{}], { a: { b: { c: 1 } } }, 'x'.repeat(70_000)),
);

const authShape = fc.oneof(
  odd,
  fc.record({ type: fc.oneof(fc.constantFrom('basic', 'bearer', 'oauth2_client_credentials', 'digest', ''), odd) }),
  fc.record(
    {
      type: fc.constantFrom('basic', 'bearer', 'oauth2_client_credentials'),
      username: fc.oneof(control, odd),
      password: fc.oneof(control, odd, fc.constant(marker)),
      token: fc.oneof(control, odd, fc.constant(marker)),
      token_url: fc.oneof(fc.constantFrom('http://127.0.0.1:1/t', 'ftp://x/t', 'https://user:pw@x/t', 'not a url', 'http://[::1]/t'), odd),
      client_id: fc.oneof(control, odd),
      client_secret: fc.oneof(control, odd, fc.constant(marker)),
      extra_params: fc.oneof(odd, fc.dictionary(control, fc.oneof(control, odd), { maxKeys: 3 })),
    },
    { requiredKeys: ['type'] },
  ),
);
const tlsShape = fc.oneof(
  odd,
  fc.record({ client_cert: fc.oneof(control, odd), client_key: fc.oneof(control, odd), ca: fc.oneof(control, odd) }, { requiredKeys: [] }),
);
const verificationShape = fc.oneof(odd, fc.constantFrom('Challenge', 'challenge ', 'true', 'off'));


test('create and change refuse bad auth, tls and verification shapes with a 4xx, never a 5xx', async () => {
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('auth', 'tls', 'verification'), fc.oneof(authShape, tlsShape, verificationShape), fc.boolean(), async (field, value, patch) => {
      const body = { [field]: value };
      const r = patch
        ? await hl.api<ApiProblem>('PATCH', `/v1/businesses/${b}/webhooks/${existing}`, body)
        : await hl.api<ApiProblem>('POST', `/v1/businesses/${b}/webhooks`, { url: 'http://127.0.0.1:9/y', events: ['client/created'], ...body });
      assert.ok(r.status < 500, `${r.status} for ${field}=${JSON.stringify(value).slice(0, 200)}: ${JSON.stringify(r.body).slice(0, 300)}`);
      assert.ok(!JSON.stringify(r.body).includes(marker), 'no secret in any answer');
      if (r.status >= 400) {
        refused++;
        assert.ok(typeof r.body.detail === 'string' && r.body.detail.length > 0);
        assert.ok(!r.body.detail.includes(marker));
      }
    }),
    { numRuns: 150, seed: 18 },
  );
  assert.ok(refused > 75, `most shapes are refused (${refused})`);
});

test('empty and missing members name what the type needs', async () => {
  const cases: [unknown, RegExp][] = [
    [{ type: 'basic' }, /needs username, password/],
    [{ type: 'bearer', token: '' }, /needs token/],
    [{ type: 'oauth2_client_credentials', token_url: 'http://127.0.0.1:1/t' }, /needs client_id, client_secret/],
    [{ type: 'bearer', token: 't', username: 'u' }, /username is not part of type "bearer"/],
    [{ type: 'basic', username: 'a:b', password: 'p' }, /must not contain ":"/],
    [{ type: 'bearer', token: 'line\r\nbreak' }, /printable ASCII/],
    [{ type: 'oauth2_client_credentials', token_url: 'ftp://x/t', client_id: 'c', client_secret: 's' }, /token_url: the scheme must be http or https/],
    [{ type: 'oauth2_client_credentials', token_url: 'http://x/t', client_id: 'c', client_secret: 's', extra_params: { grant_type: 'password' } }, /grant_type is set by Hookline/],
    [{ type: 'bearer', token: '[redacted]' }, /no token is stored/],
  ];
  for (const [auth, detail] of cases) {
    const r = await hl.api<ApiProblem>('POST', `/v1/businesses/${b}/webhooks`, { url: 'http://127.0.0.1:9/z', events: ['client/created'], auth });
    assert.equal(r.status, 422, JSON.stringify(auth));
    assert.equal(r.body.code, 'INVALID_ENDPOINT_AUTH');
    assert.match(r.body.detail, detail);
  }
});

test('a token_url on a private network is refused unless private networks are allowed', async () => {
  const strict = await startTestHookline({ allowPrivateNetworks: false });
  try {
    const sb = await newBusiness(strict.api);
    const r = await strict.api<ApiProblem>('POST', `/v1/businesses/${sb}/webhooks`, {
      url: 'https://hooks.example.com/in',
      events: ['client/created'],
      auth: { type: 'oauth2_client_credentials', token_url: 'http://169.254.169.254/token', client_id: 'c', client_secret: 's' },
    });
    assert.equal(r.status, 422);
    assert.match(r.body.detail, /token_url: the host 169\.254\.169\.254 is a link-local address/);
  } finally {
    await strict.stop();
  }
});
