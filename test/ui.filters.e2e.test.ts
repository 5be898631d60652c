import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import type { ApiListedWebhook, ApiPage, ApiWebhook } from './helpers/apiShapes.js';
import { browserSuiteSkip, launchBrowser, signIn, type Browser } from './helpers/browser.js';

/** The webhook form's payload filter and its dry run (issue 16), used in Chromium as a person would. */

const B = 'brooklyn-yoga';

describe('payload filter in the webhook form, in a real browser', { skip: browserSuiteSkip() }, () => {
  let hl: TestInstance;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    hl = await startTestHookline();
    await hl.api('POST', '/v1/businesses', { id: B, name: 'Brooklyn Yoga' });
    for (const [id, amount] of [['inv_1', 240], ['inv_2', 1500], ['inv_3', 3000]] as const) {
      await hl.api('POST', `/v1/businesses/${B}/events`, { id, type: 'invoice/paid', data: { id, amount_paid: amount, currency: 'USD' } });
    }
    browser = await launchBrowser();
    page = browser.page;
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  after(async () => {
    await browser?.close();
    await hl?.stop();
  });

  test('journey: a bad filter is explained beside its field; the dry run counts the last events and explains one; the saved webhook carries the filter', async () => {
    await page.goto(`${hl.url}/`);
    await signIn(page, hl.adminToken);
    await page.goto(`${hl.url}/#/b/${B}/webhooks/new`);
    await page.locator('main h1', { hasText: 'Add Webhook' }).waitFor();
    await page.getByLabel('Webhook name').fill('Large payments');
    await page.getByLabel('Webhook URL').fill('https://books.example.com/hooks');
    await page.getByLabel('Search events').fill('invoice/paid');
    await page.getByRole('checkbox', { name: /^invoice\/paid\b/ }).check();

    const filter = page.getByLabel('Only send events whose content matches');
    await filter.fill('{"data.amount_paid": {"$gt": [1000]}}');
    await page.getByRole('button', { name: 'Save webhook' }).click();
    const error = page.locator('#wh-filter-error');
    await error.waitFor();
    assert.match(await error.innerText(), /^\/filter\/data\.amount_paid\/\$gt: \$gt compares with a number or a string, not an array/);
    assert.equal(await filter.getAttribute('aria-invalid'), 'true');

    await filter.fill('{"data.amount_paid": {"$gt": 1000}}');
    await page.getByRole('button', { name: 'Test on the last 50 events' }).click();
    const result = page.getByRole('status');
    await result.getByText('2 of the last 3 events would have been sent.').waitFor();
    assert.match(await result.innerText(), /✓ invoice\/paid inv_3\n✓ invoice\/paid inv_2/);

    await page.getByLabel('Test event').fill('{"type": "invoice/paid", "data": {"amount_paid": 240}}');
    await page.getByRole('button', { name: 'Test on this event' }).click();
    await result.getByText('This event would not be sent.').waitFor();
    assert.match(await result.innerText(), /✗ data\.amount_paid is 240: \$gt 1000 does not hold/);

    await page.getByRole('button', { name: 'Save webhook' }).click();
    await page.locator('main h1', { hasText: /^Large payments$/ }).waitFor();
    const listed = (await hl.api<ApiPage<ApiListedWebhook>>('GET', `/v1/businesses/${B}/webhooks`)).body.data.find((w) => w.name === 'Large payments')!;
    assert.deepEqual((await hl.api<ApiWebhook>('GET', `/v1/businesses/${B}/webhooks/${listed.id}`)).body.filter, { 'data.amount_paid': { $gt: 1000 } });

    // Editing shows the stored filter; emptying it removes it.
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.locator('main h1', { hasText: 'Edit Large payments' }).waitFor();
    assert.deepEqual(JSON.parse(await filter.inputValue()), { 'data.amount_paid': { $gt: 1000 } });
    await filter.fill('');
    await page.getByRole('button', { name: 'Save webhook' }).click();
    await page.locator('main h1', { hasText: /^Large payments$/ }).waitFor();
    assert.equal((await hl.api<ApiWebhook>('GET', `/v1/businesses/${B}/webhooks/${listed.id}`)).body.filter, null);
    assert.deepEqual(pageErrors, []);
  });
});
