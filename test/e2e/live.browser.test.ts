import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ADMIN_KEY, jsonBody, keyFor, unique } from '../support/accounts';

// The /live page (app/live) in Debian's Chromium: a viewer key pasted once,
// the browser's own EventSource on a ticket; a click on the short link in
// another tab shows up in the list.
const CHROMIUM = '/usr/bin/chromium';
const next = inject('servers').next!;
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`live browser test skipped: ${CHROMIUM} is missing`);

describe.skipIf(!hasChromium)('the /live page in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  });
  afterAll(() => browser?.close());

  it('shows a click made in another tab', async () => {
    const send = (path: string, init?: RequestInit) => fetch(next + path, init);
    const created = await send(
      '/api/v1/links',
      jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/watched', slug: unique('watched-') }),
    );
    expect(created.status).toBe(201);
    const link = (await created.json()) as { id: string; slug: string };
    const { key } = await keyFor(send, 'viewer');

    // Headless Chromium says so in its User-Agent, which counts as a bot: the feed leaves bots out by default.
    const context = await browser.newContext({
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    });
    const page = await context.newPage();
    expect((await page.goto(`${next}/live`))!.status()).toBe(200);
    await page.fill('input[name=key]', key);
    await page.fill('input[name=linkId]', link.id);
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Connected: waiting for clicks.', { timeout: 15_000 });

    const other = await context.newPage();
    // The short link answers 302; the destination is out of reach offline (and need not be reached).
    const redirect = other.waitForResponse((res) => res.url() === `${next}/${link.slug}`);
    await other.goto(`${next}/${link.slug}`).catch(() => {});
    expect((await redirect).status()).toBe(302);
    const item = await page.waitForSelector('ol[aria-label=Clicks] li', { timeout: 10_000 });
    expect(await item.textContent()).toContain(`/${link.slug}`);
    expect(await page.locator('ol[aria-label=Clicks] li').count()).toBe(1);
    await context.close();
  }, 60_000);
});
