import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import type { ApiPortalSession } from './helpers/apiShapes.js';
import { browserSuiteSkip, launchBrowser, type Browser } from './helpers/browser.js';
import { until } from './helpers/wait.js';

/**
 * The embeddable portal in real Chromium (issue 14). A platform's page, served from another
 * loopback origin, creates a portal session server-side and frames its link, exactly as
 * docs/portal.md shows; the business works inside the frame. Screenshots of the embedded
 * portal go to docs/screenshots/ with `npm run screenshots`, to a temp dir otherwise.
 */

const SHOTS = process.env.HOOKLINE_SCREENSHOTS_DIR ?? join(tmpdir(), 'hookline-screenshots');
const LOGO = `data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="6" fill="#be185d"/><circle cx="12" cy="12" r="6" fill="#fff"/></svg>').toString('base64')}`;

/** The platform: its page calls Hookline's API on the server and frames the link it gets (the docs' example, nearly word for word). */
async function startPlatform(hookline: () => TestInstance): Promise<{ server: Server; port: number; sessions: string[] }> {
  const sessions: string[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const q = new URL(req.url ?? '/', 'http://x').searchParams;
      if (new URL(req.url ?? '/', 'http://x').pathname !== '/integrations') return res.writeHead(404).end();
      const hl = hookline();
      const theme = q.get('theme') ? JSON.parse(q.get('theme')!) : undefined;
      const created = await hl.api<ApiPortalSession>('POST', `/v1/businesses/${q.get('b') ?? 'studio'}/portal-sessions`, {
        return_url: `http://${req.headers.host}/integrations`,
        read_only: q.get('read_only') === '1' || undefined,
        expires_in: q.get('expires_in') ? Number(q.get('expires_in')) : undefined,
        theme,
      });
      sessions.push(created.body.id);
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Studio Suite</title>
<style>body{margin:0;font:15px system-ui;background:#e2e8f0}header{padding:14px 20px;background:#0f172a;color:#fff;font-weight:600}.wrap{padding:16px}</style></head>
<body><header>Studio Suite · Business › Integrations › Webhooks</header><div class="wrap">
<iframe id="hookline" src="${created.body.url}" title="Webhooks" style="width:100%;height:300px;border:0;border-radius:10px"></iframe>
<script>
  window.sizes = [];
  addEventListener('message', (e) => {
    if (e.origin !== '${hl.url}' || e.data?.type !== 'hookline:resize') return;
    document.getElementById('hookline').style.height = e.data.height + 'px';
    window.sizes.push(e.data.height);
  });
</script></div></body></html>`);
    })().catch((err) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, sessions };
}

describe('the embeddable portal in a real browser (issue 14)', { skip: browserSuiteSkip() }, () => {
  let hl: TestInstance;
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const shot = async (name: string, target: Page = page) => {
    await target.mouse.move(0, 0);
    await target.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true, animations: 'disabled' });
  };
  const portal = (): FrameLocator => page.frameLocator('#hookline');
  const portalFrame = (): Frame => page.frames().find((f) => f.parentFrame() !== null)!;
  const heading = (text: string) => portal().locator('main h1', { hasText: text }).waitFor();
  const open = async (query = '') => {
    await page.goto(`http://127.0.0.1:${platform.port}/integrations${query}`);
    await heading('Webhooks');
  };

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    platform = await startPlatform(() => hl);
    hl = await startTestHookline({ portalFrameAncestors: `http://127.0.0.1:${platform.port}` });
    for (const [id, name] of [['studio', 'Sunrise Studio'], ['other', 'Other Gym']]) await hl.api('POST', '/v1/businesses', { id, name });
    browser = await launchBrowser();
    page = browser.page;
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => platform?.server.close(r));
    await hl?.stop();
  });

  test('journey: framed by the platform, the business adds a webhook to a test inbox, sends a test event, and sees it succeed in the log and the Inspector', async () => {
    await open();
    const frame = portalFrame();
    assert.equal(new URL(frame.url()).pathname, '/portal', 'the single-use credential has left the address');
    assert.equal(new URL(frame.url()).search, '');
    assert.equal(await portal().getByRole('link', { name: 'Tokens' }).count(), 0, 'no admin pages');
    assert.equal(await portal().getByRole('button', { name: 'Sign out' }).count(), 0, 'no sign-out');
    assert.equal(await portal().getByText('Switch business').count(), 0, 'no business switcher');
    assert.equal(await portal().locator('.account-business').innerText(), 'Sunrise Studio');

    await portal().getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inspector' }).click();
    await heading('Inspector');
    await portal().getByRole('button', { name: 'Create a test inbox' }).click();
    await heading('Test inbox');
    await portal().getByRole('link', { name: 'Create a webhook that sends here' }).click();
    await heading('Add Webhook');
    await portal().getByLabel('Webhook name').fill('Front desk sync');
    await portal().getByRole('checkbox', { name: /^client\/created\b/ }).check();
    await portal().getByRole('button', { name: 'Save webhook' }).click();
    await heading('Front desk sync');
    await portal().getByRole('button', { name: 'Send test event' }).click();
    await portal().locator('.log tr[data-status="succeeded"]').waitFor();

    await portal().getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inspector' }).click();
    await portal().locator('main .row-main').first().click();
    await heading('Test inbox');
    assert.match(await portal().locator('.sig').first().innerText(), /Signature verified[\s\S]*secret of Front desk sync/);
    assert.match(await portal().locator('.request-card pre').first().innerText(), /"business": "studio"/);
    assert.deepEqual(pageErrors, []);
  });

  test('the frame follows its content: the host page sizes the iframe from the posted heights', async () => {
    await portal().getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Event catalogue' }).click();
    await portal().locator('main h1').first().waitFor();
    // The latest posted height, not any earlier one: earlier pages posted theirs too.
    const last = await until('the catalogue posts its height and the host page sizes the iframe to it', async () => {
      const sizes = await page.evaluate<number[]>('window.sizes');
      const latest = sizes[sizes.length - 1];
      if (latest === undefined || latest <= 1000) return null;
      const frameHeight = Math.round(await page.locator('#hookline').evaluate((el) => el.getBoundingClientRect().height));
      return frameHeight === latest ? latest : null;
    });
    assert.equal(await portalFrame().evaluate<boolean>('document.documentElement.scrollHeight <= window.innerHeight + 1'), true, 'nothing scrolls inside the frame');
    await portal().getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
    await heading('Webhooks');
    await until('the frame shrinks back for the short page', async () => {
      const sizes = await page.evaluate<number[]>('window.sizes');
      return sizes[sizes.length - 1]! < last;
    });
  });

  test("API calls from inside the page: another business's routes are 404, admin routes refused, its own business 200", async () => {
    const status = (path: string, method = 'GET') =>
      portalFrame().evaluate(async ([p, m]) => (await fetch(p!, { method: m, headers: { 'x-hookline-portal': '1', 'content-type': 'application/json' }, body: m === 'POST' ? '{}' : undefined })).status, [path, method]);
    assert.equal(await status('/v1/businesses/other/webhooks'), 404);
    assert.equal(await status('/v1/businesses/other/deliveries'), 404);
    assert.equal(await status('/v1/businesses/studio/webhooks'), 200);
    assert.equal(await status('/v1/businesses'), 403);
    assert.equal(await status('/v1/overview'), 403);
    assert.equal(await status('/v1/businesses/studio/tokens', 'POST'), 403);
    assert.equal(await status('/v1/businesses/studio/portal-sessions', 'POST'), 403);
    assert.equal(await portalFrame().evaluate<string>('document.cookie'), '', 'the page cannot read its credential (HttpOnly)');
  });

  test('DELETE stops the session at once: the next step in the portal shows the expired page, whose button returns to the platform', async () => {
    const id = platform.sessions[platform.sessions.length - 1]!;
    assert.equal((await hl.api('DELETE', `/v1/businesses/studio/portal-sessions/${id}`)).status, 204);
    await portal().getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inspector' }).click();
    await portal().getByRole('heading', { name: /This link has expired — open Webhooks again from/ }).waitFor();
    const back = portal().getByRole('link', { name: /^Back to/ });
    assert.equal(await back.getAttribute('href'), `http://127.0.0.1:${platform.port}/integrations`);
    await back.click();
    await page.waitForURL(`http://127.0.0.1:${platform.port}/integrations`);
    await heading('Webhooks');
  });

  test('expires_in: once it passes, the portal shows the expired page', async () => {
    await open('?expires_in=2');
    await page.waitForTimeout(2100);
    await portal().getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inspector' }).click();
    await portal().getByRole('heading', { name: /This link has expired/ }).waitFor();
  });

  test('opening the same link twice: the second time is the expired page', async () => {
    const { body } = await hl.api<ApiPortalSession>('POST', '/v1/businesses/studio/portal-sessions', { return_url: 'https://studio.example.com/settings', theme: { name: 'Studio Suite' } });
    await page.goto(body.url);
    await page.locator('main h1', { hasText: 'Webhooks' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/portal');
    await page.goto(body.url);
    await page.getByRole('heading', { name: 'This link has expired — open Webhooks again from Studio Suite' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Back to Studio Suite' }).getAttribute('href'), 'https://studio.example.com/settings');
    await shot('18-portal-expired');
  });

  test('read_only hides every write', async () => {
    await open('?read_only=1');
    await portal().getByText('Read-only').waitFor();
    assert.equal(await portal().getByRole('link', { name: '+ Add Webhook' }).count(), 0);
    await portal().locator('main .row-main').first().click();
    await heading('Front desk sync');
    await portal().locator('.log tr[data-status="succeeded"]').first().waitFor();
    for (const name of ['Send test event', 'Edit', 'Disable', 'Delete', 'Rotate secret', 'Replay failed']) {
      assert.equal(await portal().getByRole('button', { name, exact: true }).or(portal().getByRole('link', { name, exact: true })).isVisible(), false, `${name} is hidden`);
    }
  });

  test('a page on an origin frame-ancestors does not list cannot frame the portal', async () => {
    const refused: string[] = [];
    page.on('console', (m) => m.text().includes('frame-ancestors') && refused.push(m.text()));
    await page.goto(`http://localhost:${platform.port}/integrations`);
    await until('Chromium refuses the frame', async () => refused.length > 0, 5000);
    const frame = portalFrame();
    assert.ok(!frame.url().startsWith(hl.url) || (await frame.locator('main h1').count()) === 0, `the frame shows no portal (${frame.url()})`);
  });

  test('screenshots: light, dark, a platform theme, and a phone', async () => {
    await open();
    await shot('14-portal-light');
    await open(`?theme=${encodeURIComponent(JSON.stringify({ mode: 'dark' }))}`);
    await shot('15-portal-dark');
    await open(`?theme=${encodeURIComponent(JSON.stringify({ name: 'Studio Suite', accent: '#be185d', logo: LOGO, mode: 'light' }))}`);
    assert.equal(await portalFrame().evaluate<string>(`getComputedStyle(document.querySelector('.mainnav a[aria-current="page"]')).color`), 'rgb(190, 24, 93)', 'the accent colour is applied');
    assert.equal(await portal().locator('.brand').innerText(), 'Studio Suite');
    await portal().locator('main .row-main').first().click();
    await heading('Front desk sync');
    await shot('16-portal-theme');
    const phone = await browser.context.newPage();
    try {
      await phone.setViewportSize({ width: 390, height: 844 });
      await phone.goto(`http://127.0.0.1:${platform.port}/integrations`);
      await phone.frameLocator('#hookline').locator('main h1', { hasText: 'Webhooks' }).waitFor();
      await shot('17-portal-phone', phone);
    } finally {
      await phone.close();
    }
    assert.deepEqual(pageErrors, []);
  });
});
