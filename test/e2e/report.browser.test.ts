import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ADMIN_KEY, jsonBody, unique } from '../support/accounts';

// The report form (app/report/page.tsx) in Debian's Chromium, with
// JavaScript off: a plain form post to the API, whose answer the browser
// shows. Six reports within a minute from one address: the sixth gets 429.
const CHROMIUM = '/usr/bin/chromium';
const next = inject('servers').next!;
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`report browser test skipped: ${CHROMIUM} is missing`);

describe.skipIf(!hasChromium)('the /report form in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  });
  afterAll(() => browser?.close());

  it('sends reports without JavaScript and shows the result; the sixth in a minute gets 429', async () => {
    const slug = unique('reported-');
    const created = await fetch(
      `${next}/api/v1/links`,
      jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/phish', slug }),
    );
    expect(created.status).toBe(201);
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const submit = async (details: string) => {
      const form = await page.goto(`${next}/report`);
      expect(form!.status()).toBe(200);
      await page.fill('input[name=link]', `${next}/${slug}`);
      await page.selectOption('select[name=reason]', 'phishing');
      await page.fill('textarea[name=details]', details);
      const [answer] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      return { status: answer!.status(), heading: await page.textContent('h1'), text: await page.textContent('body') };
    };
    const results = [];
    for (let i = 1; i <= 6; i++) results.push(await submit(`Attempt ${i}`));
    expect(results.slice(0, 5).map((r) => [r.status, r.heading])).toEqual(Array(5).fill([202, 'Report received']));
    expect(results[0]!.text).toMatch(/Reference: [0-9a-f-]{36}/);
    expect(results[5]!.status).toBe(429);
    expect(results[5]!.heading).toBe('Too many reports');
    expect(results[5]!.text).toMatch(/try again in \d+ seconds/);
    // The form is back one link away.
    await page.click('text=Report a link');
    expect(await page.textContent('h1')).toBe('Report a link');
    await context.close();
  }, 60_000);
});
