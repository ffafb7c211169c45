import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

// Swagger UI really renders, in Debian's Chromium, on both servers: assets
// from our own origin only, nothing blocked by the Content-Security-Policy.
const CHROMIUM = '/usr/bin/chromium';
const servers = inject('servers');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`docs browser test skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run does)`);

describe.skipIf(!hasChromium)('Swagger UI in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  });
  afterAll(() => browser?.close());

  it.each(Object.entries(servers))(
    'renders every operation on %s',
    async (_, base) => {
      const page = await browser.newPage();
      const problems: string[] = [];
      const foreign: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(msg.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('request', (request) => {
        if (!request.url().startsWith(base) && !request.url().startsWith('data:')) foreign.push(request.url());
      });
      await page.goto(`${base}/api/docs`);
      await page.waitForSelector('.opblock', { timeout: 20_000 });
      const spec = (await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: Record<string, object> };
      const operations = Object.values(spec.paths).reduce((n, item) => n + Object.keys(item).length, 0);
      expect(await page.locator('.opblock').count()).toBe(operations);
      expect(await page.locator('.info .title').textContent()).toContain('Hop API');
      expect(problems).toEqual([]);
      expect(foreign).toEqual([]);
      await page.close();
    },
    60_000,
  );
});
