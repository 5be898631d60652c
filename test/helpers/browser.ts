import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium; Playwright's own browser download does not work on these machines. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Why browser tests cannot run here, or null when they can. Under CI a missing browser must be
 * a failure (`.ci/run` installs it), so a broken CI image cannot pass by skipping every UI
 * test: `browserSuiteSkip` then registers one failing test instead of skipping.
 */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} not found; install Debian's chromium (apt-get install -y chromium) to run the dashboard tests`;
}

/** The `skip` option for a browser suite, after registering a failing test when CI lacks the browser. */
export function browserSuiteSkip(): string | false {
  const missing = chromiumMissing();
  if (!missing) return false;
  if (process.env.CI) {
    test('Chromium is installed for the dashboard tests', () => {
      assert.fail(`${missing}. CI is set, so this fails instead of skipping.`);
    });
  }
  return `skipped: ${missing}`;
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launchBrowser(viewport = { width: 1280, height: 800 }): Promise<Browser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'hookline-chromium-'));
  // launchPersistentContext is how Playwright takes a user-data-dir: a fresh one per test run.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport,
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'UTC',
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in on the dashboard's sign-in form with `token`, and waits for the page it lands on. */
export async function signIn(page: Page, token: string, landsOn = 'Businesses'): Promise<void> {
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('main h1', { hasText: landsOn }).waitFor();
}
