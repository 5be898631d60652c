import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import type { ApiDelivery, ApiDeliveryDetail, ApiInboxRequest, ApiPage, ApiProblem, ApiWebhook } from './helpers/apiShapes.js';
import { startReceiver } from './helpers/receiver.js';
import { until } from './helpers/wait.js';
import { createSender } from '../src/dispatch/httpSender.js';
import { LocalInboxes, ownOrigins } from '../src/inspector/LocalInboxes.js';
import { withLocalInboxes } from '../src/inspector/LocalInboxTransport.js';

/**
 * Issue 14: the Inspector works on the default configuration. A webhook pointed at one of
 * Hookline's own test inboxes is delivered in-process, without HOOKLINE_ALLOW_PRIVATE_NETWORKS,
 * and that opens no way to any other loopback address, port or path.
 */

describe('own test inboxes on the default configuration (issue 14)', () => {
  let hl: TestInstance;
  let other: Awaited<ReturnType<typeof startReceiver>>;
  const b = '/v1/businesses/harbour';

  before(async () => {
    hl = await startTestHookline({ allowPrivateNetworks: false });
    other = await startReceiver();
    await hl.api('POST', '/v1/businesses', { id: 'harbour', name: 'Harbour Yoga' });
  });
  after(async () => {
    await other?.close();
    await hl?.stop();
  });

  test('journey: a webhook to a test inbox is accepted, its test event arrives verified, and the delivery succeeds', async () => {
    const inbox = (await hl.api('POST', `${b}/inboxes`, null)).body as { id: string; url: string };
    assert.match(inbox.url, /^http:\/\/127\.0\.0\.1:\d+\/inbox\/inb_/);
    const w = await hl.api<ApiWebhook>('POST', `${b}/webhooks`, { name: 'Front desk', url: inbox.url, dialect: 'opus1', events: ['client_create_trigger'] });
    assert.equal(w.status, 201, JSON.stringify(w.body));
    const sent = await hl.api('POST', `${b}/webhooks/${w.body.id}/test`);
    assert.equal(sent.status, 202, JSON.stringify(sent.body));

    const got = await until('the inbox records the test event', async () => (await hl.api<ApiPage<ApiInboxRequest>>('GET', `${b}/inboxes/${inbox.id}/requests`)).body.data[0]);
    assert.equal(got.method, 'POST');
    assert.equal(got.path, `/inbox/${inbox.id}`);
    const header = (name: string) => got.headers.find((h: { name: string }) => h.name.toLowerCase() === name)?.value;
    assert.match(header('user-agent') ?? '', /^Hookline\//);
    assert.equal(header('content-type'), 'application/json');
    assert.equal(header('x-opus1-trigger'), 'webhook_test_trigger');
    assert.deepEqual(got.signature, { status: 'verified', dialect: 'opus1', webhook_id: w.body.id, webhook_name: 'Front desk', note: null });

    const log = await until('the delivery succeeds', async () => {
      const d = (await hl.api<ApiPage<ApiDelivery>>('GET', `${b}/deliveries?webhook_id=${w.body.id}`)).body.data[0];
      return d?.status === 'succeeded' ? d : null;
    });
    const one = (await hl.api<ApiDeliveryDetail>('GET', `${b}/deliveries/${log.id}`)).body;
    assert.equal(one.attempts[0]!.status_code, 200);
    assert.match(one.attempts[0]!.response_body ?? '', /"received":true/);
  });

  test('the same server name as localhost is recognised too', async () => {
    const inbox = (await hl.api('POST', `${b}/inboxes`, null)).body as { id: string };
    const url = `${hl.url.replace('127.0.0.1', 'localhost')}/inbox/${inbox.id}`;
    const w = await hl.api('POST', `${b}/webhooks`, { url, events: ['client/*'] });
    assert.equal(w.status, 201, JSON.stringify(w.body));
  });

  test('any other loopback target is still refused: another port, another path of this server, a path that only starts like an inbox', async () => {
    const inbox = (await hl.api('POST', `${b}/inboxes`, null)).body as { id: string };
    const port = new URL(hl.url).port;
    const refused = [
      `${other.url}/inbox/${inbox.id}`,
      `http://127.0.0.1:${port}/healthz`,
      `http://127.0.0.1:${port}/v1/businesses`,
      `http://127.0.0.1:${port}/inbox/${inbox.id}/more`,
      `http://127.0.0.1:${port}/inbox/${inbox.id}/../../metrics/x`,
      `http://127.0.0.2:${port}/inbox/${inbox.id}`,
      `http://user:pw@127.0.0.1:${port}/inbox/${inbox.id}`,
    ];
    for (const url of refused) {
      const r = await hl.api<ApiProblem>('POST', `${b}/webhooks`, { url, events: ['client/*'] });
      assert.equal(r.status, 422, `${url}: ${JSON.stringify(r.body)}`);
      // A URL with credentials in it is refused before its address is looked at.
      assert.equal(r.body.code, url.includes('@') ? 'INVALID_URL' : 'BLOCKED_TARGET', url);
    }
    assert.equal(other.received.length, 0);
  });
});

describe('LocalInboxTransport (issue 14)', () => {
  test('hands over only exact inbox URLs of its own origins; everything else goes to the guarded network sender', async () => {
    const target = await startReceiver();
    const inboxes = new LocalInboxes({ webhooksOfBusiness: async () => [] });
    // Pretend this server listens where nothing does; the receiver plays another loopback service.
    inboxes.setOwnOrigins(ownOrigins('http://127.0.0.1:9', null));
    const inbox = inboxes.store.create('harbour', null, Date.now());
    const sender = withLocalInboxes(createSender({ allowPrivateNetworks: false, userAgent: 'Hookline/test' }), inboxes, 'Hookline/test');
    try {
      const send = (url: string) => sender.send({ url, body: '{"a":1}', headers: { 'X-Custom': 'yes', 'content-type': 'text/evil' }, timeoutMs: 2000 });

      const local = await send(`http://localhost:9/inbox/${inbox.id}?x=1`);
      assert.equal(local.statusCode, 200);
      assert.equal(inbox.requests.length, 1);
      assert.equal(inbox.requests[0]!.path, `/inbox/${inbox.id}?x=1`);
      assert.deepEqual(inbox.requests[0]!.headers.filter(([n]) => /content-type|x-custom/i.test(n)), [['content-type', 'application/json'], ['X-Custom', 'yes']]);

      assert.equal((await send('http://127.0.0.1:9/inbox/inb_gone')).statusCode, 404, 'an inbox that does not exist answers 404');
      const blocked = [`${target.url}/inbox/${inbox.id}`, 'http://127.0.0.1:9/healthz', `http://[::1]:9/inbox/${inbox.id}/x`];
      for (const url of blocked) assert.equal((await send(url)).error, 'blocked_target', url);
      assert.equal(target.received.length, 0, 'the other loopback service received nothing');
      assert.equal(inbox.requests.length, 1);
    } finally {
      await sender.close();
      await target.close();
    }
  });

  test("own origins: the listening address, its loopback names when bound to loopback or any address, and the public URL's origin", () => {
    assert.deepEqual(
      new Set(ownOrigins('http://0.0.0.0:8080', 'https://hooks.example.com/base/').map((o) => new URL(o).origin)),
      new Set(['http://0.0.0.0:8080', 'https://hooks.example.com', 'http://localhost:8080', 'http://127.0.0.1:8080', 'http://[::1]:8080']),
    );
    assert.deepEqual(ownOrigins('http://10.0.0.5:8080', null), ['http://10.0.0.5:8080'], 'a server on a private address is that address only');
  });

  test('recognises nothing before the server listens (a worker has no inboxes)', () => {
    const inboxes = new LocalInboxes({ webhooksOfBusiness: async () => [] });
    assert.equal(inboxes.inboxIdOf('http://127.0.0.1:8080/inbox/inb_x'), null);
  });
});
