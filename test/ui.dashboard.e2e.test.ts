import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import type { ApiEventType, ApiListedWebhook, ApiPage, ApiWebhook } from './helpers/apiShapes.js';
import { browserSuiteSkip, launchBrowser, type Browser } from './helpers/browser.js';

/**
 * The dashboard items of issue 14, found by using it in Chromium as a user would, each driven
 * the same way here. The server runs on the default configuration (private networks refused),
 * so the Inspector journey also proves that its own test inboxes need no special setting.
 */

describe('dashboard fixes of issue 14 in a real browser', { skip: browserSuiteSkip() }, () => {
  let hl: TestInstance;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const heading = (text: string) => page.locator('main h1', { hasText: text }).waitFor();
  const header = () => page.locator('.account-business');
  const signInAsAdmin = async () => {
    await page.getByLabel('Access token').fill(hl.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  before(async () => {
    hl = await startTestHookline({ allowPrivateNetworks: false });
    await hl.api('POST', '/v1/businesses', { id: 'harbour-pilates', name: 'Harbour Pilates' });
    browser = await launchBrowser();
    page = browser.page;
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  after(async () => {
    await browser?.close();
    await hl?.stop();
  });

  test('a bad token shows one error, not two', async () => {
    await page.goto(`${hl.url}/`);
    await heading('Sign in');
    await page.getByLabel('Access token').fill('not-a-real-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    assert.equal(await page.locator('.note').count(), 1, await page.locator('main').innerText());
  });

  test('creating a business: the id is made from the name, and a bad id is explained in a sentence', async () => {
    await signInAsAdmin();
    await heading('Businesses');
    const id = page.getByLabel('Id', { exact: true });
    await page.getByLabel('Name').fill('Café Montréal #2');
    assert.equal(await id.inputValue(), 'cafe-montreal-2');

    await id.fill('');
    await page.getByRole('button', { name: 'Create business' }).click();
    const error = page.locator('#biz-id-error');
    assert.equal(await error.innerText(), 'Enter an id for the business, e.g. sunrise-yoga.');
    await id.fill('café montréal');
    await page.getByRole('button', { name: 'Create business' }).click();
    assert.equal(await error.innerText(), 'The id may hold letters, digits, - and _ only; remove “é”, spaces.');
    assert.doesNotMatch(await page.locator('main').innerText(), /\/body\/|must match pattern/);

    await id.fill('cafe-montreal');
    await page.getByRole('button', { name: 'Create business' }).click();
    await heading('Webhooks');
    assert.equal(await header().innerText(), 'Café Montréal #2');
  });

  test('issue 14 blank page: opening / again, a deep link opened directly, and a reload all render their page', async () => {
    await page.goto(`${hl.url}/`);
    await heading('Webhooks');
    await page.getByText('No webhooks yet.').waitFor();

    // Straight to another business's page, as from a bookmark: its name, not its id, in the header.
    await page.goto('about:blank');
    await page.goto(`${hl.url}/#/b/harbour-pilates/inspector`);
    await heading('Inspector');
    await page.getByRole('button', { name: 'Create a test inbox' }).waitFor();
    await page.waitForFunction("document.querySelector('.account-business')?.textContent === 'Harbour Pilates'");

    await page.reload();
    await heading('Inspector');
    assert.equal(await header().innerText(), 'Harbour Pilates');
    assert.deepEqual(pageErrors, []);
  });

  test('triggers: search matches names only; a group (client/*) can be picked and says what it covers, in the chosen dialect', async () => {
    await page.goto(`${hl.url}/#/b/cafe-montreal/webhooks/new`);
    await heading('Add Webhook');
    await page.getByLabel('Search events').fill('client');
    const types = page.getByRole('list', { name: 'Event types' });
    const shownTypes = await types.locator('.mono.strong').allInnerTexts();
    assert.ok(shownTypes.includes('client/created'));
    assert.deepEqual(shownTypes.filter((t) => !t.includes('client')), [], 'a description that mentions a client does not match');
    // message/client_sent_message has "client" in its name, so its group is offered too; payment/* is not.
    const groups = page.getByRole('list', { name: 'Groups of events' });
    assert.deepEqual(await groups.locator('.mono.strong').allInnerTexts(), ['client/*', 'message/*']);

    const group = page.getByRole('checkbox', { name: /^client\/\*/ });
    await group.check();
    const catalog = (await hl.api<ApiPage<ApiEventType>>('GET', '/v1/event-types')).body.data as { type: string; names: Record<string, string | null> }[];
    const clientNames = (dialect: string) => catalog.filter((t) => t.type.startsWith('client/') && t.names[dialect] !== null).map((t) => t.names[dialect]!);
    const covers = await page.locator('[id="covers-client/*"]').innerText();
    assert.ok(covers.startsWith(`Covers ${clientNames('standard').length} types: ${clientNames('standard')[0]}, `), covers);
    const created = page.getByRole('checkbox', { name: /^client\/created\b/ });
    assert.equal(await created.isChecked(), true);
    assert.equal(await created.isDisabled(), true, 'a type inside a picked group is covered by it');

    await page.getByLabel('Type (dialect)').selectOption('opus1');
    const opus1 = await page.locator('[id="covers-client/*"]').innerText();
    assert.equal(await group.isChecked(), true, 'a group that still covers types in the new dialect stays picked');
    assert.ok(opus1.startsWith(`Covers ${clientNames('opus1').length} types: ${clientNames('opus1')[0]}, `), `the group lists its types by their opus1 names: ${opus1}`);
    await page.getByLabel('Type (dialect)').selectOption('standard');
    assert.match(await page.locator('#events-count').innerText(), /^1 group and 0 types selected, covering \d+ types\.$/);
  });

  test('the form has every webhook field, and a server limit is shown beside its field', async () => {
    await page.getByLabel('Webhook name').fill('Paced');
    await page.getByLabel('Webhook URL').fill('https://crm.example.com/hooks');
    await page.getByLabel('Rate limit (per second)').fill('2.5');
    await page.getByLabel('Requests at once').fill('500');
    await page.getByLabel('Order').selectOption('fifo');
    await page.getByLabel('Signing secret (optional)').fill('whsec_short');
    await page.getByRole('button', { name: 'Save webhook' }).click();
    assert.match(await page.locator('#wh-secret-error').innerText(), /^A signing secret is whsec_ followed by the base64 of 24 to 64 bytes/);
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    await page.getByLabel('Signing secret (optional)').fill(secret);
    await page.getByRole('button', { name: 'Save webhook' }).click();
    const limit = page.locator('#wh-inflight-error');
    await limit.waitFor();
    assert.match(await limit.innerText(), /^max_in_flight: 500 is more than this server allows \(at most 100 /);
    assert.equal(await page.getByLabel('Requests at once').getAttribute('aria-invalid'), 'true');

    await page.getByLabel('Requests at once').fill('4');
    await page.getByRole('button', { name: 'Save webhook' }).click();
    await heading('Paced');
    await page.getByText('At most 2.5 requests per second; 4 at once; in order').waitFor();
    const saved = (await hl.api<ApiPage<ApiListedWebhook>>('GET', '/v1/businesses/cafe-montreal/webhooks')).body.data.find((w) => w.name === 'Paced')!;
    assert.deepEqual([saved.rate_limit, saved.max_in_flight, saved.ordering, saved.events], [2.5, 4, 'fifo', ['client/*']]);
    assert.equal((await hl.api<ApiWebhook>('GET', `/v1/businesses/cafe-montreal/webhooks/${saved.id}`)).body.secret, secret, 'the secret the receiver already has');

    await page.getByRole('link', { name: 'Edit' }).click();
    await heading('Edit Paced');
    assert.equal(await page.getByLabel('Rate limit (per second)').inputValue(), '2.5');
    await page.getByLabel('Rate limit (per second)').fill('');
    await page.getByRole('button', { name: 'Save webhook' }).click();
    await page.getByText('No rate limit; 4 at once; in order').waitFor();
  });

  test('journey on the default configuration: a webhook to a test inbox delivers its test event, verified, with no private networks allowed', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inspector', exact: true }).click();
    await heading('Inspector');
    await page.getByRole('button', { name: 'Create a test inbox' }).click();
    await heading('Test inbox');
    await page.getByRole('link', { name: 'Create a webhook that sends here' }).click();
    await heading('Add Webhook');
    await page.getByLabel('Webhook name').fill('Inbox check');
    await page.getByRole('checkbox', { name: /^client\/created\b/ }).check();
    await page.getByRole('button', { name: 'Save webhook' }).click();
    await heading('Inbox check');
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.locator('.log tr[data-status="succeeded"]').waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inspector', exact: true }).click();
    await page.locator('main .row-main').first().click();
    await heading('Test inbox');
    const sig = page.locator('.sig').first();
    await sig.waitFor();
    assert.match(await sig.innerText(), /Signature verified[\s\S]*standard dialect, secret of Inbox check/);
    assert.deepEqual(pageErrors, []);
  });
});
