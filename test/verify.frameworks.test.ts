import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { findDialect } from '../src/dialects/index.js';
import { renderRequest } from './helpers/renderRequest.js';
import { WebhookVerifier, expressWebhook, fastifyWebhook, honoWebhook, type DialectName, type VerifiedWebhook } from '../src/verify/index.js';

const SECRET = `whsec_${Buffer.alloc(32, 0x5a).toString('base64')}`;
const samples: Record<DialectName, [type: string, data: Record<string, unknown>]> = {
  standard: ['client/created', { id: 1, first_name: 'Ada' }],
  opus1: ['client/created', { id: 1, first_name: 'Ada' }],
  upodi: ['client/created', { id: '0ea627de-158e-48b1-bcbb-7fe6058d191c' }],
  hapana: ['client/checked_in', { clientID: 771204, checkInStatus: 'Valid' }],
  wellnessliving: ['client/created', { uid: '1039', s_first_name: 'Ada' }],
  vcita: ['client/created', { id: 'cl_1' }],
  svix: ['client/created', { id: 'cl_1', first_name: 'Ada' }],
};
const dialects = Object.keys(samples) as DialectName[];

/** A request signed by Hookline's own dialect code, as the dispatcher would send it now. */
function signed(dialect: DialectName, eventId: string, extra: Record<string, unknown> = {}) {
  const [type, data] = samples[dialect];
  const now = Date.now();
  return renderRequest(findDialect(dialect)!, {
    event: { id: eventId, business_id: 'studio-1', type, data: JSON.stringify({ ...data, ...extra }), occurred_at: now, created_at: now },
    webhook: { id: 'wh_1', business_id: 'studio-1', url: 'http://127.0.0.1/', secret: SECRET, previous_secret: null, previous_secret_expires_at: null },
    deliveryId: 'dlv_01JRTFXDELIVERY0000000000',
    attemptNumber: 1,
    now,
  });
}

const post = async (url: string, req: { body: string; headers: Record<string, string> }, fail = false) => {
  const res = await fetch(url, { method: 'POST', body: req.body, headers: { ...req.headers, 'content-type': 'application/json', ...(fail ? { 'x-fail': '1' } : {}) } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** The same four checks through any framework: accept, drop a duplicate, refuse a forgery, retry after a failed handler. */
async function exercise(base: string, handled: string[]) {
  for (const d of dialects) {
    const url = `${base}/hook/${d}`;
    const good = signed(d, `evt_${d}_1`);
    assert.deepEqual(await post(url, good), { status: 200, body: { handled: d } }, d);
    const dup = await post(url, good);
    assert.deepEqual([dup.status, dup.body.error], [200, 'duplicate'], d);
    const forged = await post(url, { ...good, body: good.body.replace('studio-1', 'studio-9').replace('Ada', 'Eve').replace('771204', '771205').replace('cl_1', 'cl_2').replace('0ea6', '0ea7') });
    assert.deepEqual([forged.status, forged.body.error], [401, 'bad_signature'], d);
    const flaky = signed(d, `evt_${d}_2`, { n: 2 });
    assert.equal((await post(url, flaky, true)).status, 500, d);
    assert.deepEqual(await post(url, flaky), { status: 200, body: { handled: d } }, `${d}: a retry after a failed handler is processed`);
  }
  assert.equal(handled.length, dialects.length * 3);
}

test('Express: express.raw() + expressWebhook() on a real loopback server', async (t) => {
  const app = express();
  const handled: string[] = [];
  for (const d of dialects) {
    app.post(`/hook/${d}`, express.raw({ type: 'application/json' }), expressWebhook(new WebhookVerifier({ dialect: d, secrets: SECRET })), (req, res) => {
      const webhook = res.locals['webhook'] as VerifiedWebhook;
      handled.push(webhook.id);
      if (req.headers['x-fail']) res.status(500).json({ failed: true });
      else res.json({ handled: webhook.dialect });
    });
  }
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  await exercise(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, handled);
});

test('Fastify: a buffer body parser + fastifyWebhook() as preHandler on a real loopback server', async (t) => {
  const app = Fastify();
  t.after(() => app.close());
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  const handled: string[] = [];
  for (const d of dialects) {
    app.post(`/hook/${d}`, { preHandler: fastifyWebhook(new WebhookVerifier({ dialect: d, secrets: SECRET })) }, async (req, reply) => {
      const webhook = (req as unknown as { webhook: VerifiedWebhook }).webhook;
      assert.deepEqual(req.body, webhook.payload);
      handled.push(webhook.id);
      if (req.headers['x-fail']) return reply.code(500).send({ failed: true });
      return { handled: webhook.dialect };
    });
  }
  await exercise(await app.listen({ port: 0, host: '127.0.0.1' }), handled);
});

test('Hono: honoWebhook() middleware on @hono/node-server on a real loopback server', async (t) => {
  const app = new Hono<{ Variables: { webhook: VerifiedWebhook } }>();
  const handled: string[] = [];
  for (const d of dialects) {
    app.post(`/hook/${d}`, honoWebhook(new WebhookVerifier({ dialect: d, secrets: SECRET })), async (c) => {
      const webhook = c.get('webhook');
      assert.deepEqual(await c.req.json(), webhook.payload);
      handled.push(webhook.id);
      if (c.req.header('x-fail')) return c.json({ failed: true }, 500);
      return c.json({ handled: webhook.dialect });
    });
  }
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve({ server: s, port: info.port }));
  });
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  await exercise(`http://127.0.0.1:${port}`, handled);
});
