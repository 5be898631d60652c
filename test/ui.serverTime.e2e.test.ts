import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startTestHookline, type TestInstance } from './helpers/hookline.js';
import { browserSuiteSkip, launchBrowser, type Browser } from './helpers/browser.js';
import { openStore } from '../src/store/openStore.js';
import { newDeliveryId, newEventId } from '../src/ids.js';
import type { AttemptOutcome, PublishItem } from '../src/store/Store.js';
import { parseServerTiming } from '../src/api/serverTiming.js';
import type { ApiInbox, ApiOverview, ApiWebhook } from './helpers/apiShapes.js';

/**
 * The dashboard's speed budget: with 100,000 deliveries in the log, every API call a page
 * makes answers in under 200 ms of server time. Server time is the server's own measure
 * (`Server-Timing`), so a busy test machine slowing the browser does not fail the test; a
 * page gets three tries, so one scheduling hiccup on a loaded 2-core machine does not either.
 */

const DELIVERIES = 100_000;
const BUDGET_MS = 200;
const B = 'budget-gym';
const TYPES = ['client/created', 'client/updated', 'invoice/paid'] as const;

async function seed(hl: TestInstance, webhookIds: string[]): Promise<void> {
  // Through the store, as the ingest path writes them, but already finished so the dispatcher
  // has nothing to send: 80% succeeded, 10% failed, 10% retrying far in the future.
  const store = await openStore(hl.dbUrl);
  const now = Date.now();
  const later = now + 365 * 86400_000;
  try {
    for (let start = 0; start < DELIVERIES; start += 1000) {
      const items: PublishItem[] = [];
      for (let n = start; n < start + 1000; n++) {
        const at = now - (DELIVERIES - n) * 1000;
        items.push({
          event: { id: newEventId(), business_id: B, type: TYPES[n % 3]!, data: `{"id":${n},"first_name":"Client ${n}"}`, occurred_at: at, created_at: at },
          deliveries: [{ id: newDeliveryId(), webhook_id: webhookIds[Math.floor(n / 10) % webhookIds.length]!, lease_owner: 'seed', next_attempt_at: later }],
        });
      }
      const published = await store.publish(items);
      const outcomes: AttemptOutcome[] = published.map((p, i) => {
        const d = p.deliveries[0]!;
        const kind = (start + i) % 10;
        const ok = kind > 1;
        return {
          attempt: {
            delivery_id: d.id,
            number: 1,
            started_at: d.created_at + 5,
            duration_ms: 12,
            status_code: ok ? 200 : 503,
            error: ok ? null : 'http_status',
            response_body: ok ? 'ok' : '{"error":"maintenance"}',
          },
          status: ok ? 'succeeded' : kind === 0 ? 'failed' : 'retrying',
          next_attempt_at: kind === 1 ? later : null,
          lease_owner: 'seed',
        };
      });
      await store.recordOutcomes(outcomes, now);
    }
  } finally {
    await store.close();
  }
}

describe('dashboard speed with 100,000 deliveries in the log', { skip: browserSuiteSkip() }, () => {
  let hl: TestInstance;
  let browser: Browser;
  let page: Page;
  let webhookIds: string[];
  const report: { page: string; call: string; ms: number }[] = [];

  before(async () => {
    hl = await startTestHookline();
    await hl.api('POST', '/v1/businesses', { id: B, name: 'Budget Gym' });
    webhookIds = [];
    for (const name of ['CRM sync', 'Billing']) {
      const w = await hl.api<ApiWebhook>('POST', `/v1/businesses/${B}/webhooks`, { name, url: 'https://crm.example.com/hooks', events: ['client/*', 'invoice/*'] });
      assert.equal(w.status, 201, JSON.stringify(w.body));
      webhookIds.push(w.body.id);
    }
    const started = Date.now();
    await seed(hl, webhookIds);
    console.log(`seeded ${DELIVERIES} deliveries with attempts in ${Date.now() - started} ms`);
    const inbox = await hl.api<ApiInbox>('POST', `/v1/businesses/${B}/inboxes`, null);
    for (let i = 0; i < 20; i++) await fetch(inbox.body.url, { method: 'POST', body: `{"n":${i}}`, headers: { 'content-type': 'application/json' } });
    browser = await launchBrowser();
    page = browser.page;
  });
  after(async () => {
    if (report.length > 0) {
      const worst = new Map<string, number>();
      for (const r of report) worst.set(`${r.page}: ${r.call}`, Math.max(worst.get(`${r.page}: ${r.call}`) ?? 0, r.ms));
      console.log([...worst].map(([k, v]) => `${v.toFixed(1).padStart(7)} ms  ${k}`).join('\n'));
    }
    await browser?.close();
    await hl?.stop();
  });

  /**
   * Runs `action` and returns the server time of every API call made meanwhile, retrying the
   * whole page up to three times until every call is inside the budget.
   */
  async function measure(name: string, action: () => Promise<void>): Promise<void> {
    let last: { call: string; ms: number }[] = [];
    for (let tryNo = 1; tryNo <= 3; tryNo++) {
      const calls: { call: string; ms: number }[] = [];
      const onResponse = (r: import('playwright-core').Response) => {
        const url = new URL(r.url());
        if (!url.pathname.startsWith('/v1/')) return;
        const ms = parseServerTiming(r.headers()['server-timing']);
        assert.ok(ms !== null, `${url.pathname} has no Server-Timing header`);
        calls.push({ call: `${r.request().method()} ${url.pathname.replace(/(dlv|wh|inb)_[\w-]+/g, '$1_…')}${url.search}`, ms });
      };
      page.on('response', onResponse);
      try {
        await action();
        await page.waitForTimeout(300);
      } finally {
        page.off('response', onResponse);
      }
      assert.ok(calls.length > 0, `${name} made no API call`);
      report.push(...calls.map((c) => ({ page: name, ...c })));
      last = calls;
      if (calls.every((c) => c.ms < BUDGET_MS)) return;
    }
    assert.fail(`${name}: calls over ${BUDGET_MS} ms of server time in three tries: ${JSON.stringify(last.filter((c) => c.ms >= BUDGET_MS))}`);
  }

  const heading = (text: string) => page.locator('main h1', { hasText: text }).waitFor();

  test('every page answers inside the budget', async () => {
    await measure('sign in', async () => {
      await page.goto(`${hl.url}/`);
      await page.evaluate('sessionStorage.clear()');
      await page.reload();
      await page.getByLabel('Access token').fill(hl.adminToken);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await heading('Businesses');
      await page.getByText('Budget Gym').waitFor();
    });
    await measure('webhooks list', async () => {
      await page.goto(`${hl.url}/#/b/${B}/webhooks`);
      await page.reload();
      await page.locator('main tbody tr').nth(1).locator('.badge').nth(1).waitFor();
    });
    const webhookPage = `${hl.url}/#/b/${B}/webhooks/${webhookIds[0]}`;
    await measure('webhook with its delivery log', async () => {
      await page.goto(webhookPage);
      await page.reload();
      await page.locator('.log tbody tr').nth(24).waitFor();
    });
    await measure('log: load older', async () => {
      await page.getByRole('button', { name: 'Load older deliveries' }).click();
      await page.locator('.log tbody tr').nth(49).waitFor();
    });
    for (const status of ['failed', 'retrying', 'pending']) {
      await measure(`log: status ${status}`, async () => {
        await page.getByLabel('Status').selectOption(status);
        await page.locator(status === 'pending' ? '.empty' : `.log tr[data-status="${status}"]`).first().waitFor();
      });
    }
    await measure('log: status and event type', async () => {
      await page.getByLabel('Status').selectOption('failed');
      // The log's own filter: "What the receiver gets" has an Event picker too.
      await page.getByLabel('Recent deliveries').getByLabel('Event').selectOption('invoice/paid');
      await page.locator('.log tr[data-status="failed"]').first().waitFor();
    });
    await measure('delivery with its attempts and request', async () => {
      await page.locator('.log .row-main').first().click();
      await page.locator('.request pre').waitFor();
    });
    await measure('inspector', async () => {
      await page.goto(`${hl.url}/#/b/${B}/inspector`);
      await page.locator('main .row-main').first().click();
      await page.locator('.request-card').nth(19).waitFor();
    });
    await measure('event catalogue', async () => {
      await page.goto(`${hl.url}/#/catalog`);
      await page.reload();
      await page.locator('.type-card').first().getByText('As sent in').click();
      await page.locator('.type-card pre', { hasText: 'User-Agent' }).first().waitFor();
    });
    await measure('overview', async () => {
      await page.goto(`${hl.url}/#/overview`);
      await page.reload();
      // The log is counted in the background, so the numbers appear a moment after the page.
      await page.locator('.stats', { hasText: 'succeeded in the log' }).waitFor();
    });
    let overview = await hl.api<ApiOverview>('GET', '/v1/overview');
    for (let i = 0; i < 50 && overview.body.queue.counted_at === null; i++) {
      await new Promise((r) => setTimeout(r, 100));
      overview = await hl.api<ApiOverview>('GET', '/v1/overview');
    }
    assert.equal(overview.body.queue.succeeded + overview.body.queue.failed + overview.body.queue.retrying, DELIVERIES, 'the log holds the seeded deliveries');
  });
});
