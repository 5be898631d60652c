import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import type { ApiIssuedToken, ApiPortalSession, ApiProblem, ApiWebhook } from './helpers/apiShapes.js';
import { spawnServer, type ServerProcess } from './helpers/serverProcess.js';
import { apiClient } from './helpers/hookline.js';
import { createTestSchema, probePostgres, type TestDatabase } from './helpers/postgres.js';
import { sleep, until } from './helpers/wait.js';
import { LOGO_MAX_BYTES } from '../src/auth/portalTheme.js';

/**
 * The embeddable portal's API (issue 14): creating and revoking sessions, the single-use link
 * exchanged for a cookie, what the cookie reaches (its business, never another, never admin
 * routes; read_only changes nothing), the CSP of its pages and the expired page.
 */

const PNG_1PX = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** Opens a portal link the way a browser would, without following the redirect: the cookie it sets, or the page it shows. */
async function openLink(url: string): Promise<{ status: number; cookie: string | null; setCookie: string | null; location: string | null; body: string; headers: Headers }> {
  const res = await fetch(url, { redirect: 'manual' });
  const setCookie = res.headers.get('set-cookie');
  return { status: res.status, setCookie, cookie: setCookie ? setCookie.split(';')[0]! : null, location: res.headers.get('location'), body: await res.text(), headers: res.headers };
}

/** An API call as the portal page makes it: the cookie, and the portal header. */
function portalCall(base: string, cookie: string) {
  return async (method: string, path: string, body?: unknown, header = true) => {
    const headers: Record<string, string> = { cookie };
    if (header) headers['x-hookline-portal'] = '1';
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

describe('portal sessions over the API (issue 14)', () => {
  let hl: TestInstance;
  before(async () => {
    hl = await startTestHookline({ portalFrameAncestors: 'http://127.0.0.1:9 https://app.example.com', portalName: 'Default Platform' });
    for (const [id, name] of [['studio', 'Sunrise Studio'], ['other', 'Other Gym']]) assert.equal((await hl.api('POST', '/v1/businesses', { id, name })).status, 201);
  });
  after(() => hl?.stop());

  test('journey: create a session, open its link once (cookie, redirect to /portal), use the portal, revoke it', async () => {
    const created = await hl.api<ApiPortalSession & ApiProblem>('POST', '/v1/businesses/studio/portal-sessions', { return_url: 'https://app.example.com/integrations', theme: { name: 'Studio Suite', accent: '#0F766E', logo: PNG_1PX, mode: 'dark' } });
    assert.equal(created.status, 201);
    assert.match(created.body.id, /^ps_/);
    assert.match(created.body.url, new RegExp(`^${hl.url}/portal/open\\?t=hl_pl_[A-Za-z0-9_-]{43}$`));
    const lifetime = Date.parse(created.body.expires_at) - Date.now();
    assert.ok(lifetime > 3590_000 && lifetime <= 3600_000, `the default lifetime is an hour (${lifetime} ms)`);

    const opened = await openLink(created.body.url);
    assert.equal(opened.status, 303);
    assert.equal(opened.location, '/portal', 'the credential leaves the address bar');
    assert.match(opened.setCookie!, /^hookline_portal=hl_ps_[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Max-Age=(359\d|3600); SameSite=Lax$/, 'Lax on plain http, even with framing configured');
    const call = portalCall(hl.url, opened.cookie!);

    const page = await fetch(`${hl.url}/portal`, { headers: { cookie: opened.cookie! } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="app">/);
    assert.equal(page.headers.get('content-security-policy')?.match(/frame-ancestors [^;]*/)?.[0], 'frame-ancestors http://127.0.0.1:9 https://app.example.com');
    assert.equal(page.headers.get('x-frame-options'), null, 'framing is allowed by the CSP alone');

    const view = await call('GET', '/v1/portal/session');
    assert.equal(view.status, 200);
    assert.deepEqual(view.body, {
      id: created.body.id,
      business: { id: 'studio', name: 'Sunrise Studio' },
      read_only: false,
      expires_at: created.body.expires_at,
      return_url: 'https://app.example.com/integrations',
      theme: { name: 'Studio Suite', accent: '#0f766e', logo: PNG_1PX, mode: 'dark' },
    });
    const made = await call('POST', '/v1/businesses/studio/webhooks', { url: 'https://example.com/hook', events: ['client/created'] });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal((await call('GET', '/v1/businesses/studio/webhooks')).body.data.length, 1);

    assert.equal((await hl.api('DELETE', `/v1/businesses/studio/portal-sessions/${created.body.id}`)).status, 204);
    const refused = await call('GET', '/v1/businesses/studio/webhooks');
    assert.equal(refused.status, 401, 'the revoking process refuses it at once');
    const ended = await fetch(`${hl.url}/portal`, { headers: { cookie: opened.cookie! } });
    assert.equal(ended.status, 410);
    const html = await ended.text();
    assert.match(html, /This link has expired — open Webhooks again from Studio Suite/);
    assert.match(html, /href="https:\/\/app.example.com\/integrations" target="_top"/);
    assert.match(html, /The app that created it has withdrawn it\./);
  });

  test('the cookie reaches its business only: another business answers 404, admin routes 403, tokens 403', async () => {
    const { body } = await hl.api<ApiPortalSession & ApiProblem>('POST', '/v1/businesses/studio/portal-sessions', {});
    const call = portalCall(hl.url, (await openLink(body.url)).cookie!);
    for (const path of ['/v1/businesses/other/webhooks', '/v1/businesses/other/deliveries', '/v1/businesses/nobody/webhooks']) {
      const r = await call('GET', path);
      assert.equal(r.status, 404, path);
      assert.equal(r.body.code, 'BUSINESS_NOT_FOUND');
    }
    assert.equal((await call('POST', '/v1/businesses/other/webhooks', { url: 'https://example.com/x', events: ['*'] })).status, 404);
    for (const [method, path] of [['GET', '/v1/businesses'], ['GET', '/v1/overview'], ['GET', '/v1/businesses/studio/tokens'], ['POST', '/v1/businesses/studio/tokens'], ['POST', '/v1/businesses/studio/portal-sessions']] as const) {
      const r = await call(method, path, method === 'POST' ? {} : undefined);
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.body.code, 'FORBIDDEN');
      assert.equal(r.body.detail, 'This needs the admin token; the webhooks portal cannot do it.');
    }
    assert.equal((await call('GET', '/v1/businesses/studio/webhooks')).status, 200);
  });

  test('the cookie alone, without the portal header (a forged cross-site request), authenticates nothing', async () => {
    const { body } = await hl.api<ApiPortalSession & ApiProblem>('POST', '/v1/businesses/studio/portal-sessions', {});
    const call = portalCall(hl.url, (await openLink(body.url)).cookie!);
    const r = await call('POST', '/v1/businesses/studio/webhooks', { url: 'https://example.com/csrf', events: ['*'] }, false);
    assert.equal(r.status, 401);
    assert.equal(r.body.code, 'UNAUTHORIZED');
  });

  test('read_only: every read works, every write is 403 PORTAL_READ_ONLY', async () => {
    const hook = (await hl.api<ApiWebhook>('POST', '/v1/businesses/studio/webhooks', { url: 'https://example.com/ro', events: ['*'] })).body;
    const { body } = await hl.api<ApiPortalSession & ApiProblem>('POST', '/v1/businesses/studio/portal-sessions', { read_only: true });
    const call = portalCall(hl.url, (await openLink(body.url)).cookie!);
    assert.equal((await call('GET', `/v1/businesses/studio/webhooks/${hook.id}`)).status, 200);
    assert.equal((await call('GET', '/v1/portal/session')).body.read_only, true);
    for (const [method, path, payload] of [
      ['POST', '/v1/businesses/studio/webhooks', { url: 'https://example.com/x', events: ['*'] }],
      ['PATCH', `/v1/businesses/studio/webhooks/${hook.id}`, { enabled: false }],
      ['DELETE', `/v1/businesses/studio/webhooks/${hook.id}`, undefined],
      ['POST', `/v1/businesses/studio/webhooks/${hook.id}/test`, undefined],
      ['POST', `/v1/businesses/studio/webhooks/${hook.id}/rotate-secret`, undefined],
      ['POST', '/v1/businesses/studio/inboxes', undefined],
    ] as const) {
      const r = await call(method, path, payload);
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.body.code, 'PORTAL_READ_ONLY');
    }
    assert.equal((await hl.api<ApiWebhook>('GET', `/v1/businesses/studio/webhooks/${hook.id}`)).body.enabled, true);
  });

  test('opening a link twice: the second time is the expired page with the return_url button, and sets no cookie', async () => {
    const { body } = await hl.api<ApiPortalSession & ApiProblem>('POST', '/v1/businesses/studio/portal-sessions', { return_url: 'https://app.example.com/back?x=1&y=2' });
    assert.equal((await openLink(body.url)).status, 303);
    const again = await openLink(body.url);
    assert.equal(again.status, 410);
    assert.equal(again.setCookie, null);
    assert.match(again.body, /This link has expired — open Webhooks again from Default Platform/, 'the configured name when the session gives none');
    assert.match(again.body, /href="https:\/\/app.example.com\/back\?x=1&#38;y=2"/);
    assert.match(again.body, /this one has been used/);
    assert.match(again.headers.get('content-security-policy')!, /style-src 'self' 'nonce-[^']+'/);
    const unknown = await openLink(`${hl.url}/portal/open?t=hl_pl_${'x'.repeat(43)}`);
    assert.equal(unknown.status, 410);
    assert.doesNotMatch(unknown.body, /class="button"/, 'an unknown link has no way back to offer');
    assert.match(unknown.body, /not a link this server knows/);
    assert.equal((await openLink(`${hl.url}/portal/open`)).status, 410);
  });

  test('expires_in: the link and the session stop at their expiry', async () => {
    const { body } = await hl.api<ApiPortalSession & ApiProblem>('POST', '/v1/businesses/studio/portal-sessions', { expires_in: 1 });
    const unopened = (await hl.api<ApiPortalSession & ApiProblem>('POST', '/v1/businesses/studio/portal-sessions', { expires_in: 1 })).body;
    const opened = await openLink(body.url);
    assert.match(opened.setCookie!, /Max-Age=1;/);
    const call = portalCall(hl.url, opened.cookie!);
    assert.equal((await call('GET', '/v1/businesses/studio/webhooks')).status, 200);
    await sleep(Math.max(Date.parse(body.expires_at), Date.parse(unopened.expires_at)) - Date.now() + 20);
    assert.equal((await call('GET', '/v1/businesses/studio/webhooks')).status, 401);
    const late = await openLink(unopened.url);
    assert.equal(late.status, 410);
    assert.match(late.body, /valid for a limited time, and that time has passed/);
  });

  test('bad input: each field says what to fix (422 INVALID_PORTAL_SESSION, 400 for the schema)', async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ theme: { accent: 'teal' } }, 422, /theme\.accent "teal" is not a colour; send #rrggbb/],
      [{ theme: { mode: 'sepia' } }, 422, /theme\.mode "sepia" is not a mode; send "light" or "dark"/],
      [{ theme: { logo: 'https://cdn.example.com/logo.png' } }, 422, /theme\.logo must be a data URI of a PNG, SVG, JPEG or WebP image/],
      [{ theme: { logo: 'data:text/html;base64,PGgxPg==' } }, 422, /theme\.logo must be a data URI/],
      [{ theme: { logo: `data:image/png;base64,${Buffer.alloc(LOGO_MAX_BYTES + 1).toString('base64')}` } }, 422, /the image is 65537 bytes; at most 65536/],
      [{ theme: { name: '  ' } }, 422, /theme\.name must be 1 to 80 characters/],
      [{ return_url: 'javascript:alert(1)' }, 422, /return_url must be http\(s\), not javascript:/],
      [{ return_url: '/relative' }, 422, /return_url "\/relative" is not an absolute URL/],
      [{ expires_in: 86_401 }, 400, /expires_in/],
      [{ expires_in: 0 }, 400, /expires_in/],
      [{ theme: { colour: '#000000' } }, 400, /colour|additional/],
    ];
    for (const [payload, status, detail] of cases) {
      const r = await hl.api<ApiPortalSession & ApiProblem>('POST', '/v1/businesses/studio/portal-sessions', payload);
      assert.equal(r.status, status, JSON.stringify(payload).slice(0, 80));
      assert.match(`${r.body.detail} ${JSON.stringify(r.body.errors ?? [])}`, detail, JSON.stringify(payload).slice(0, 80));
    }
    assert.equal((await hl.api<ApiPortalSession & ApiProblem>('POST', '/v1/businesses/studio/portal-sessions', { expires_in: 86_400, theme: { logo: `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg"/>')}` } })).status, 201, 'a day, and a percent-encoded SVG, are accepted');
    const missing = await hl.api<ApiProblem>('DELETE', '/v1/businesses/studio/portal-sessions/ps_nothing');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'PORTAL_SESSION_NOT_FOUND');
    const { body } = await hl.api<ApiPortalSession & ApiProblem>('POST', '/v1/businesses/studio/portal-sessions', {});
    assert.equal((await hl.api('DELETE', `/v1/businesses/other/portal-sessions/${body.id}`)).status, 404, "another business's id is not found");
    assert.equal((await hl.api<ApiPortalSession & ApiProblem>('POST', '/v1/businesses/nobody/portal-sessions', {})).status, 404);
  });

  test('a business token cannot create portal sessions (admin only)', async () => {
    const token = (await hl.api<ApiIssuedToken>('POST', '/v1/businesses/studio/tokens', {})).body.token;
    const r = await hl.api<ApiPortalSession & ApiProblem>('POST', '/v1/businesses/studio/portal-sessions', {}, token);
    assert.equal(r.status, 403);
  });
});

test('without HOOKLINE_PORTAL_FRAME_ANCESTORS the portal cannot be framed: frame-ancestors \'none\' and X-Frame-Options DENY', async (t) => {
  const hl = await startTestHookline();
  t.after(() => hl.stop());
  await hl.api('POST', '/v1/businesses', { id: 'solo', name: 'Solo' });
  const { body } = await hl.api<ApiPortalSession & ApiProblem>('POST', '/v1/businesses/solo/portal-sessions', {});
  const opened = await openLink(body.url);
  const page = await fetch(`${hl.url}/portal`, { headers: { cookie: opened.cookie! } });
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy')!, /frame-ancestors 'none'$/);
  assert.equal(page.headers.get('x-frame-options'), 'DENY');
});

test('SameSite=None; Secure when framing is configured and the public URL is HTTPS', async (t) => {
  // The public URL is where a TLS proxy serves Hookline; the test talks to the port behind it.
  const port = await freePort();
  const hl = await startTestHookline({ port, portalFrameAncestors: 'https://app.example.com', publicUrl: 'https://hooks.example.com' });
  t.after(() => hl.stop());
  const api = apiClient(`http://127.0.0.1:${port}`, hl.adminToken);
  await api('POST', '/v1/businesses', { id: 'tls', name: 'TLS' });
  const { body } = await api<ApiPortalSession & ApiProblem>('POST', '/v1/businesses/tls/portal-sessions', {});
  assert.match(body.url, /^https:\/\/hooks\.example\.com\/portal\/open\?t=/);
  const opened = await openLink(body.url.replace('https://hooks.example.com', `http://127.0.0.1:${port}`));
  assert.match(opened.setCookie!, /; SameSite=None; Secure$/);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const pgReady = await probePostgres();

test('PostgreSQL, two processes (issue 14): a portal session revoked through one stops on the other within 1 s', { skip: pgReady.available ? false : pgReady.reason, timeout: 60_000 }, async (t) => {
  const ADMIN = 'pg-portal-admin-token-0123456789';
  let db: TestDatabase | undefined;
  const procs: ServerProcess[] = [];
  t.after(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await db?.drop();
  });
  db = await createTestSchema();
  const env = { HOOKLINE_DATABASE_URL: db.url, HOOKLINE_ADMIN_TOKEN: ADMIN };
  procs.push(await spawnServer(env), await spawnServer(env));
  const [a, b] = procs.map((p) => apiClient(p.url, ADMIN)) as [ReturnType<typeof apiClient>, ReturnType<typeof apiClient>];
  assert.equal((await a('POST', '/v1/businesses', { id: 'pg', name: 'PG' })).status, 201);
  const { body } = await a<ApiPortalSession>('POST', '/v1/businesses/pg/portal-sessions', {});
  const cookie = (await openLink(body.url.replace(procs[0]!.url, procs[1]!.url))).cookie!;
  const onA = portalCall(procs[0]!.url, cookie);
  const onB = portalCall(procs[1]!.url, cookie);
  for (let i = 0; i < 3; i++) {
    assert.equal((await onA('GET', '/v1/businesses/pg/webhooks')).status, 200);
    assert.equal((await onB('GET', '/v1/businesses/pg/webhooks')).status, 200);
  }
  const revokedAt = Date.now();
  assert.equal((await b('DELETE', `/v1/businesses/pg/portal-sessions/${body.id}`)).status, 204);
  assert.equal((await onB('GET', '/v1/businesses/pg/webhooks')).status, 401, 'the revoking process refuses it at once');
  await until('the other process refuses the revoked session', async () => (await onA('GET', '/v1/businesses/pg/webhooks')).status === 401, 5000);
  const took = Date.now() - revokedAt;
  t.diagnostic(`the other process refused the revoked portal session ${took} ms after the DELETE`);
  assert.ok(took < 1000, `refused after ${took} ms`);
});
