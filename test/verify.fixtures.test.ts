import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { findDialect } from '../src/dialects/index.js';
import { verifyWebhook, VerifyError, type DialectName } from '../src/verify/index.js';
import { FIXTURE_PATH, buildSignedRequests, serialise, type SignedRequestFixture } from './fixtures/generate-signed-requests.js';

const fixtures = JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as SignedRequestFixture[];
const at = (f: SignedRequestFixture) => ({ now: () => f.input.now });

test('signed-requests.json is exactly what the generator writes today (regenerate with the script if this fails)', () => {
  assert.equal(readFileSync(FIXTURE_PATH, 'utf8'), serialise(buildSignedRequests()));
});

test('the fixtures cover every dialect, each with a secret rotation', () => {
  for (const name of ['standard', 'opus1', 'upodi', 'hapana', 'wellnessliving', 'vcita']) {
    assert.ok(fixtures.some((f) => f.dialect === name && f.secrets.length === 2), name);
  }
});

for (const f of fixtures) {
  test(`signer: render reproduces "${f.name}"`, () => {
    assert.deepEqual(findDialect(f.dialect)!.render(f.input), f.request);
  });

  test(`verify: "${f.name}" passes with each signing secret alone`, () => {
    for (const secret of f.secrets) {
      const v = verifyWebhook(f.dialect as DialectName, f.request.body, f.request.headers, secret, at(f));
      assert.deepEqual({ id: v.id, event: v.event, signedAt: v.signedAt }, f.expect);
      assert.deepEqual(v.payload, JSON.parse(f.request.body));
    }
  });

  test(`verify: "${f.name}" fails as bad_signature with another secret or one changed byte`, () => {
    const wrong = `whsec_${Buffer.alloc(32, 0x33).toString('base64')}`;
    assert.throws(() => verifyWebhook(f.dialect as DialectName, f.request.body, f.request.headers, wrong, at(f)), codeIs('bad_signature'));
    const tampered = f.request.body.replace(/harbour-yoga|Maya|771204|mtg_6b0e2f|vc_1201|inv_1|"create"|"hold"|"1184403"/, (m) => m.replace(/[a-z0-9]/, (c) => (c === '1' ? '2' : '1')));
    assert.notEqual(tampered, f.request.body);
    assert.throws(() => verifyWebhook(f.dialect as DialectName, tampered, f.request.headers, f.secrets[0]!, at(f)), codeIs('bad_signature'));
  });

  test(`verify: "${f.name}" fails on a re-serialised body`, () => {
    const reserialised = JSON.stringify(JSON.parse(f.request.body), null, 1);
    assert.throws(() => verifyWebhook(f.dialect as DialectName, reserialised, f.request.headers, f.secrets[0]!, at(f)), codeIs('bad_signature'));
  });

  if (f.expect.signedAt !== null) {
    test(`verify: "${f.name}" is refused 301 s late or early, accepted 299 s late`, () => {
      const base = f.input.now;
      const when = (deltaS: number) => ({ now: () => base + deltaS * 1000 });
      assert.throws(() => verifyWebhook(f.dialect as DialectName, f.request.body, f.request.headers, f.secrets[0]!, when(301)), codeIs('timestamp_too_old'));
      assert.throws(() => verifyWebhook(f.dialect as DialectName, f.request.body, f.request.headers, f.secrets[0]!, when(-301)), codeIs('timestamp_too_new'));
      verifyWebhook(f.dialect as DialectName, f.request.body, f.request.headers, f.secrets[0]!, when(299));
    });
  }
}

test('verify names the missing header', () => {
  const f = fixtures.find((x) => x.dialect === 'hapana')!;
  const { ['X-Hapana-Signature']: _dropped, ...rest } = f.request.headers;
  assert.throws(
    () => verifyWebhook('hapana', f.request.body, rest, f.secrets[0]!, at(f)),
    (e: unknown) => e instanceof VerifyError && e.code === 'missing_header' && /x-hapana-signature/i.test(e.message),
  );
});

test('verify reads headers in any case, from a fetch Headers object too', () => {
  const f = fixtures.find((x) => x.dialect === 'vcita')!;
  const upper = Object.fromEntries(Object.entries(f.request.headers).map(([k, v]) => [k.toUpperCase(), v]));
  assert.equal(verifyWebhook('vcita', f.request.body, upper, f.secrets[0]!, at(f)).id, f.expect.id);
  assert.equal(verifyWebhook('vcita', Buffer.from(f.request.body), new Headers(f.request.headers), f.secrets[0]!, at(f)).id, f.expect.id);
});

test('verify refuses a malformed timestamped signature header and an unknown dialect', () => {
  const f = fixtures.find((x) => x.dialect === 'hapana')!;
  assert.throws(() => verifyWebhook('hapana', f.request.body, { 'x-hapana-signature': 'v1=abc' }, f.secrets[0]!, at(f)), codeIs('malformed_header'));
  assert.throws(() => verifyWebhook('nope' as DialectName, f.request.body, {}, 'x'), codeIs('bad_configuration'));
  assert.throws(() => verifyWebhook('hapana', f.request.body, f.request.headers, [], at(f)), codeIs('bad_configuration'));
});

function codeIs(code: string) {
  return (e: unknown) => {
    assert.ok(e instanceof VerifyError, `expected a VerifyError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  };
}
