import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import type { ApiWebhook } from './helpers/apiShapes.js';
import { browserSuiteSkip, launchBrowser, signIn, type Browser } from './helpers/browser.js';

/** The webhook form's transformation editor and its simulation (issue 16), used in Chromium as a person would. */

const B = 'harbor-pilates';
const SLACK = `function handler(request) {
  const c = request.event.data;
  request.body = { text: c.first_name + ' checked in at ' + c.location };
  return request;
}`;

describe('transformation in the webhook form, in a real browser', { skip: browserSuiteSkip() }, () => {
  let hl: TestInstance;
  let browser: Browser;
  let page: Page;
  let webhookId: string;
  const pageErrors: string[] = [];

  before(async () => {
    hl = await startTestHookline();
    await hl.api('POST', '/v1/businesses', { id: B, name: 'Harbor Pilates' });
    webhookId = (await hl.api<ApiWebhook>('POST', `/v1/businesses/${B}/webhooks`, { name: 'Front desk', url: 'https://hooks.slack.example.com/x', events: ['client/*'] })).body.id;
    browser = await launchBrowser();
    page = browser.page;
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  after(async () => {
    await browser?.close();
    await hl?.stop();
  });

  test('journey: code that does not parse is explained beside its field; the simulation shows the signed request; saved, it is version 1, and turning it off keeps it', async () => {
    await page.goto(`${hl.url}/`);
    await signIn(page, hl.adminToken);
    await page.goto(`${hl.url}/#/b/${B}/webhooks/${webhookId}/edit`);
    await page.locator('main h1', { hasText: 'Edit Front desk' }).waitFor();

    const code = page.getByLabel('Reshape each request before it is signed and sent');
    await code.fill('function handler(request) { return request');
    await page.getByRole('button', { name: 'Save webhook' }).click();
    const error = page.locator('#wh-transformation-error');
    await error.waitFor();
    assert.match(await error.innerText(), /does not parse: SyntaxError/);
    assert.equal(await code.getAttribute('aria-invalid'), 'true');

    await code.fill(SLACK);
    await page.getByLabel('Simulation event').fill('{"type": "client/checked_in", "data": {"first_name": "Maya", "location": "Pier 3"}}');
    await page.getByRole('button', { name: 'Simulate' }).click();
    const result = page.getByRole('status');
    await result.getByText('POST https://hooks.slack.example.com/x').waitFor();
    const shown = await result.innerText();
    assert.match(shown, /webhook-signature: v1,/);
    assert.match(shown, /"text": "Maya checked in at Pier 3"/);

    await page.getByRole('button', { name: 'Save webhook' }).click();
    await page.locator('main h1', { hasText: /^Front desk$/ }).waitFor();
    assert.deepEqual((await hl.api<ApiWebhook>('GET', `/v1/businesses/${B}/webhooks/${webhookId}`)).body.transformation, { code: SLACK, enabled: true, version: 1 });

    await page.getByRole('link', { name: 'Edit' }).click();
    await page.locator('main h1', { hasText: 'Edit Front desk' }).waitFor();
    assert.equal(await code.inputValue(), SLACK);
    await page.getByRole('checkbox', { name: /Run the transformation/ }).uncheck();
    await page.getByRole('button', { name: 'Save webhook' }).click();
    await page.locator('main h1', { hasText: /^Front desk$/ }).waitFor();
    assert.deepEqual((await hl.api<ApiWebhook>('GET', `/v1/businesses/${B}/webhooks/${webhookId}`)).body.transformation, { code: SLACK, enabled: false, version: 1 });
    assert.deepEqual(pageErrors, []);
  });
});
