import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { startReceiver } from './helpers/receiver.js';
import { browserSuiteSkip, launchBrowser, type Browser } from './helpers/browser.js';
import { parseServerTiming } from '../src/api/serverTiming.js';
import type { ApiAccepted, ApiIssuedToken, ApiWebhook } from './helpers/apiShapes.js';

/**
 * The dashboard end to end: real Chromium, real server, real receivers. The steps build on
 * each other (one business, its webhooks, its inbox) as a business would walk through them,
 * and each page is saved as a screenshot. `npm run screenshots` writes them to docs/screenshots/
 * for the README; a plain test run writes them to a temp dir, so `npm test` leaves the tree clean.
 */

const SHOTS = process.env.HOOKLINE_SCREENSHOTS_DIR ?? join(tmpdir(), 'hookline-screenshots');

describe('dashboard in a real browser', { skip: browserSuiteSkip() }, () => {
  let hl: TestInstance;
  let browser: Browser;
  let page: Page;
  let failing: Awaited<ReturnType<typeof startReceiver>>;
  const pageErrors: string[] = [];
  const untimed: string[] = [];

  const shot = async (name: string, fullPage = true) => {
    // The pointer would leave a hover state on the last button clicked.
    await page.mouse.move(0, 0);
    await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage, animations: 'disabled' });
  };
  const heading = (text: string) => page.locator('main h1', { hasText: text }).waitFor();
  const nav = async (label: string) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  };

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    hl = await startTestHookline();
    failing = await startReceiver((_r, res) => {
      res.statusCode = 500;
      res.setHeader('content-type', 'application/json');
      res.end('{"error":"database is down"}');
    });
    browser = await launchBrowser();
    page = browser.page;
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('response', (r) => {
      if (r.url().includes('/v1/') && parseServerTiming(r.headers()['server-timing']) === null) untimed.push(`${r.request().method()} ${r.url()}`);
    });
  });
  after(async () => {
    await browser?.close();
    await failing?.close();
    await hl?.stop();
  });

  test('signs in with the admin token and creates a business', async () => {
    await page.goto(`${hl.url}/`);
    await heading('Sign in');
    await shot('01-sign-in');
    await page.getByLabel('Access token').fill('not-a-real-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();

    await page.getByLabel('Access token').fill(hl.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Businesses');
    await page.getByLabel('Name').fill('Sunrise Yoga');
    await page.getByLabel('Id', { exact: true }).fill('sunrise-yoga');
    await page.getByRole('button', { name: 'Create business' }).click();
    await heading('Webhooks');
    await page.getByText('No webhooks yet.').waitFor();
    await shot('02-webhooks-empty');
  });

  test('keyboard: Tab reaches "+ Add Webhook" and Enter opens the form', async () => {
    await page.reload();
    await heading('Webhooks');
    let focused = '';
    for (let i = 0; i < 25 && focused !== '+ Add Webhook'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate<string>("document.activeElement?.textContent?.trim() ?? ''");
    }
    assert.equal(focused, '+ Add Webhook', 'Tab never reached the button');
    await page.keyboard.press('Enter');
    await heading('Add Webhook');
    // The app moves focus a frame after the new page renders, so poll for it rather than sample
    // once; a read that lands while the page re-renders is simply read again.
    let tag = '';
    for (const deadline = Date.now() + 5000; tag !== 'H1' && Date.now() < deadline; ) {
      tag = await page.evaluate<string>("document.activeElement?.tagName ?? ''").catch(() => '');
      if (tag !== 'H1') await page.waitForTimeout(25);
    }
    assert.equal(tag, 'H1', 'focus moves to the new page');
  });

  test("a bad URL is refused in the form with the API's reason", async () => {
    await page.getByLabel('Webhook URL').fill('ftp://files.example.com/drop');
    await page.getByRole('checkbox', { name: /^client\/created\b/ }).check();
    await page.getByRole('button', { name: 'Save webhook' }).click();
    const error = page.locator('#wh-url-error');
    await error.waitFor();
    assert.match(await error.innerText(), /^url: .*http/i);
    assert.equal(await page.getByLabel('Webhook URL').getAttribute('aria-invalid'), 'true');
  });

  test('a webhook pointed at a test inbox: the test event arrives signed and verified, and succeeds in the log', async () => {
    await nav('Inspector');
    await heading('Inspector');
    await page.getByRole('button', { name: 'Create a test inbox' }).click();
    await heading('Test inbox');
    const inboxUrl = await page.getByLabel('Inbox URL').inputValue();
    assert.match(inboxUrl, new RegExp(`^${hl.url}/inbox/inb_`));

    await page.getByRole('link', { name: 'Create a webhook that sends here' }).click();
    await heading('Add Webhook');
    assert.equal(await page.getByLabel('Webhook URL').inputValue(), inboxUrl);
    await page.getByLabel('Webhook name').fill('Client Creation Webhook');
    await page.getByLabel('Type (dialect)').selectOption('opus1');
    await page.getByLabel('Search events').fill('client');
    await page.getByRole('checkbox', { name: /client_create_trigger/ }).check();
    await page.getByRole('button', { name: '+ Add header' }).click();
    await page.getByLabel('Header 1 name').fill('Authorization');
    await page.getByLabel('Header 1 value').fill('Bearer crm-7f3a');
    await shot('03-add-webhook');
    await page.getByRole('button', { name: 'Save webhook' }).click();
    await heading('Client Creation Webhook');
    assert.ok(!(await page.content()).includes('Bearer crm-7f3a'), 'custom header values stay hidden on the webhook page');

    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.locator('.log tr[data-status="succeeded"]').waitFor();
    assert.equal(await page.locator('.log .row-main').first().innerText(), 'webhook_test_trigger');
    await shot('04-webhook');

    await page.locator('.log .row-main').first().click();
    await page.locator('.request pre').waitFor();
    const request = await page.locator('.request pre').innerText();
    assert.match(request, /X-Opus1-Signature: sha256=••••/);
    assert.match(request, /Authorization: ••••/);
    assert.ok(!request.includes('crm-7f3a'));
    await shot('05-delivery');

    await nav('Inspector');
    await page.locator('main .row-main').first().click();
    await heading('Test inbox');
    const sig = page.locator('.sig').first();
    await sig.waitFor();
    assert.match(await sig.innerText(), /Signature verified[\s\S]*opus1 dialect, secret of Client Creation Webhook/);
    assert.match(await page.locator('.request-card pre').first().innerText(), /"business": "sunrise-yoga"/);
    await shot('06-inspector');
  });

  test('a failing endpoint shows in the log, and "Retry now" delivers it once the endpoint is fixed', async () => {
    await nav('Webhooks');
    await page.getByRole('link', { name: '+ Add Webhook' }).click();
    await heading('Add Webhook');
    await page.getByLabel('Webhook name').fill('CRM sync');
    await page.getByLabel('Webhook URL').fill(`${failing.url}/hooks`);
    await page.getByRole('checkbox', { name: /^client\/created\b/ }).check();
    await page.getByLabel(/Fire and forget/).check();
    await page.getByRole('button', { name: 'Save webhook' }).click();
    await heading('CRM sync');

    await page.getByRole('button', { name: 'Send test event' }).click();
    const failedRow = page.locator('.log tr[data-status="failed"]');
    await failedRow.waitFor();
    await failing.waitFor(1);
    failing.setResponder((_r, res) => res.end('ok'));
    await failedRow.getByRole('button', { name: 'Retry now' }).click();
    await page.locator('.log tr[data-status="succeeded"]').waitFor();
    await failing.waitFor(2);

    // Failing again, for the log and the overview's failing endpoints.
    failing.setResponder((_r, res) => {
      res.statusCode = 500;
      res.end('{"error":"database is down"}');
    });
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.locator('.log tr[data-status="failed"]').waitFor();
    await page.getByLabel('Status').selectOption('failed');
    // The log reloads for the filter: wait for the unfiltered rows to go instead of counting
    // while the old list may still be on screen (a timeout here means the filter failed).
    await page.locator('.log tr[data-status="succeeded"]').waitFor({ state: 'detached', timeout: 10_000 });
    await page.locator('.log tr[data-status="failed"]').first().waitFor();
    assert.equal(await page.locator('.log tbody tr[data-status]:not([data-status="failed"])').count(), 0, 'the status filter shows failed deliveries only');
    await page.getByLabel('Status').selectOption('');
    await page.locator('.log tr[data-status="succeeded"]').waitFor();
    await shot('07-webhook-failing');
  });

  test('rotating the secret shows the new one, which the API confirms', async () => {
    const secret = page.getByTestId('secret');
    assert.match(await secret.innerText(), /^whsec_•+$/, 'hidden until asked');
    await page.getByRole('button', { name: 'Reveal' }).click();
    const before = await secret.innerText();
    assert.match(before, /^whsec_[A-Za-z0-9+/=]{40,}$/);
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate the signing secret?' });
    await dialog.waitFor();
    // The modal's backdrop covers the viewport, so the picture is of the viewport.
    await shot('08-rotate-secret', false);
    await dialog.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByText('New signing secret created').waitFor();
    const rotated = await secret.innerText();
    assert.notEqual(rotated, before);
    const id = new URL(page.url()).hash.split('/').pop()!;
    const fromApi = await hl.api<ApiWebhook>('GET', `/v1/businesses/sunrise-yoga/webhooks/${id}`);
    assert.equal(fromApi.body.secret, rotated);
  });

  test('the event catalogue shows each type in the chosen dialect, with its example as sent', async () => {
    await nav('Event catalogue');
    await heading('Event catalogue');
    await page.getByLabel('Dialect').selectOption('opus1');
    const card = page.locator('.type-card').first();
    assert.equal(await card.locator('h2').innerText(), 'client_create_trigger');
    await card.getByText('As sent in the opus1 dialect').click();
    await card.locator('pre').filter({ hasText: 'X-Opus1-Signature' }).waitFor();
    await shot('09-catalogue');
  });

  test('the admin overview charts attempts and lists the failing endpoint', async () => {
    await nav('Overview');
    await heading('Overview');
    await page.locator('.chart').first().waitFor();
    await page.locator('main').getByRole('link', { name: 'CRM sync' }).waitFor();
    // The queue charts need two counts of the log, taken in the background as the page polls every 5 s.
    await page.locator('.chart').nth(2).waitFor({ timeout: 25_000 });
    assert.doesNotMatch(await page.locator('.stats').innerText(), /counting/);
    await shot('10-overview');
  });

  test('issue 12: the admin issues a token (shown once, copied), sees it listed by prefix, and revokes it; the API then refuses it', async () => {
    await nav('Tokens');
    await heading('Tokens');
    await page.getByText('No tokens yet.').waitFor();
    await page.getByLabel('Name').fill('Front desk app');
    await page.getByLabel('Expires').selectOption({ label: 'In 90 days' });
    await page.getByRole('button', { name: 'Issue token' }).click();
    const shown = page.getByTestId('new-token');
    await shown.waitFor();
    const token = await shown.innerText();
    assert.match(token, /^hl_biz_[A-Za-z0-9_-]{43}$/);
    assert.equal((await hl.api('GET', '/v1/businesses/sunrise-yoga', undefined, token)).status, 200);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: hl.url });
    await page.getByTestId('issued-token').getByRole('button', { name: 'Copy' }).click();
    await page.getByTestId('issued-token').getByRole('button', { name: 'Copied' }).waitFor();
    assert.equal(await page.evaluate<string>('navigator.clipboard.readText()'), token);
    const row = page.locator('main tbody tr', { hasText: 'Front desk app' });
    await row.waitFor();
    assert.ok((await row.innerText()).includes(`${token.slice(0, 12)}…`), 'listed by its prefix');
    await shot('13-tokens');

    await page.getByRole('button', { name: 'Done' }).click();
    assert.equal(await page.getByTestId('new-token').count(), 0, 'once dismissed, the token is gone from the page');
    assert.ok(!(await page.locator('main').innerText()).includes(token));
    await row.getByRole('button', { name: 'Revoke Front desk app' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this token?' });
    await dialog.getByRole('button', { name: 'Revoke token' }).click();
    await page.getByText('Revoked Front desk app.').waitFor();
    await page.getByText('No tokens yet.').waitFor();
    assert.equal((await hl.api('GET', '/v1/businesses/sunrise-yoga', undefined, token)).status, 401);
  });

  test('at phone width (390 px) nothing scrolls sideways and the main actions are in reach', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await nav('Webhooks');
    await heading('Webhooks');
    await page.locator('main table').waitFor();
    const add = page.getByRole('link', { name: '+ Add Webhook' });
    const box = await add.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `+ Add Webhook is inside the screen: ${JSON.stringify(box)}`);
    const widths = async () => page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok((await widths()) <= 390, `page is ${await widths()} px wide`);
    await shot('11-phone-webhooks');

    await page.locator('main .row-main', { hasText: 'CRM sync' }).click();
    await heading('CRM sync');
    await page.locator('.log tbody tr').first().waitFor();
    assert.ok((await widths()) <= 390, `webhook page is ${await widths()} px wide`);
    await shot('12-phone-webhook');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test("a business token opens its own business only, without the admin's pages", async () => {
    const token = (await hl.api<ApiIssuedToken>('POST', '/v1/businesses/sunrise-yoga/tokens')).body.token as string;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading('Sign in');
    assert.equal(await page.evaluate<number>('sessionStorage.length'), 0, 'signing out forgets the token');
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Webhooks');
    await page.locator('main tbody tr').nth(1).waitFor();
    assert.equal(await page.locator('main tbody tr').count(), 2);
    const navText = await page.getByRole('navigation', { name: 'Main' }).innerText();
    assert.doesNotMatch(navText, /Overview/);
    assert.doesNotMatch(navText, /Tokens/, 'a business token cannot manage tokens');
    await page.goto(`${hl.url}/#/b/other-business/webhooks`);
    await heading('Page not found');
  });

  test('an event its dialect cannot carry: the delivery reads "Not sent: unrepresentable" naming the field, and the webhook page shows what its receiver gets (issue 11)', async () => {
    const wh = await hl.api<ApiWebhook>('POST', '/v1/businesses/sunrise-yoga/webhooks', { name: 'Opus sync', url: `${failing.url}/opus`, dialect: 'opus1', events: ['client/created'] });
    assert.equal(wh.status, 201, JSON.stringify(wh.body));
    const ev = await hl.api<ApiAccepted>('POST', '/v1/businesses/sunrise-yoga/events', { type: 'client/created', data: { id: '0ea627de-158e-48b1-bcbb-7fe6058d191c', first_name: 'Maya' } });
    assert.equal(ev.status, 202, JSON.stringify(ev.body));
    await page.goto(`${hl.url}/#/b/sunrise-yoga/webhooks/${wh.body.id}`);
    await heading('Opus sync');
    const wire = page.locator('details.card', { hasText: 'What the receiver gets' });
    await wire.locator('summary').click();
    await wire.locator('pre').filter({ hasText: 'X-Opus1-Trigger: client_create_trigger' }).waitFor();
    assert.match(await wire.locator('pre').innerText(), /"first_name": "Maya"/);

    await page.locator('.log tr[data-status="failed"]').waitFor();
    await page.locator('.log .row-main').first().click();
    const reason = page.locator('.attempt-reason').first();
    await reason.waitFor();
    assert.match(await reason.innerText(), /^data\/id: opus1 documents "id" as an integer/);
    assert.match(await page.locator('.attempt-body h3').first().innerText(), /Not sent: unrepresentable/);
    await shot('19-unrepresentable');
  });

  // The 200 ms budget itself is ui.serverTime.e2e.test.ts's, with 100k deliveries and retries
  // for a loaded machine; here every answer must at least carry the server's timing.
  test('no script errors, and every API answer carried its Server-Timing', () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(untimed, []);
  });
});
