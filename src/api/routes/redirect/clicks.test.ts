import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateUrl } from '@/scripts/db-migrate';
import { ADMIN_KEY, jsonBody, unique } from '@/test/support/accounts';
import { FIXTURE_ENV } from '@/test/fixtures/fixture-app';
import { startLocalDb, type LocalDb } from '../../../localdb';
import { createApp } from '../../app';
import { createDb } from '../../db/client';

// What a click row holds, and that clicks survive a database outage. Node
// only: it reads the table directly and takes the database down.
let server: LocalDb;
let env: Record<string, string>;
const app = createApp();
const pending: Promise<unknown>[] = [];
const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException() {}, props: {} };
const send = (path: string, init?: RequestInit) =>
  app.fetch(new Request(new URL(path, 'http://hop.test'), init), env, ctx);
const settle = () => Promise.all(pending.splice(0));

beforeAll(async () => {
  server = await startLocalDb({ dataDir: null });
  await migrateUrl(server.databaseUrl);
  env = { ...FIXTURE_ENV, DATABASE_URL: server.databaseUrl };
});
afterAll(() => server.close());

async function makeLink() {
  const res = await send(
    '/api/v1/links',
    jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/', slug: unique('k-') }),
  );
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; slug: string };
}

const clickRows = (linkId: string) =>
  createDb(server.databaseUrl, 5_000).query<Record<string, unknown>>(
    'select country, region, city, referrer_host, browser, os, device, is_bot from clicks where link_id = $1 order by is_bot',
    [linkId],
  );

describe('click recording', () => {
  it('stores geo, referrer host, browser, OS and device, and no IP address', async () => {
    const link = await makeLink();
    await send(`/${link.slug}`, {
      headers: {
        'User-Agent':
          'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1',
        Referer: 'https://news.example.com/item?id=1',
        'X-Vercel-IP-Country': 'FR',
        'X-Vercel-IP-Country-Region': 'IDF',
        'X-Vercel-IP-City': 'Saint-%C3%89tienne',
        'X-Forwarded-For': '203.0.113.9',
      },
    });
    await send(`/${link.slug}`, { headers: { 'User-Agent': 'curl/8.5.0' } });
    await settle();
    expect(await clickRows(link.id)).toEqual([
      {
        country: 'FR',
        region: 'IDF',
        city: 'Saint-Étienne',
        referrer_host: 'news.example.com',
        browser: 'Safari',
        os: 'iOS',
        device: 'mobile',
        is_bot: false,
      },
      {
        country: null,
        region: null,
        city: null,
        referrer_host: null,
        browser: null,
        os: null,
        device: null,
        is_bot: true,
      },
    ]);
    const columns = await createDb(server.databaseUrl, 5_000).query<{ column_name: string }>(
      "select column_name from information_schema.columns where table_name = 'clicks'",
    );
    expect(columns.map((c) => c.column_name).join()).not.toMatch(/ip/);
  });

  it('loses no click while the database is away, and answers redirects meanwhile', async () => {
    const link = await makeLink();
    await send(`/${link.slug}`); // warm the cache
    await settle();
    server.pauseBackend();
    try {
      const statuses = await Promise.all([1, 2, 3, 4, 5].map(async () => (await send(`/${link.slug}`)).status));
      expect(statuses).toEqual([302, 302, 302, 302, 302]);
      await new Promise((resolve) => setTimeout(resolve, 300)); // let a write attempt fail
    } finally {
      server.resumeBackend();
    }
    await settle();
    expect(await clickRows(link.id)).toHaveLength(6);
    const res = await send(`/api/v1/links/${link.id}`, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
    expect((await res.json()).clicks).toBe(6);
  }, 30_000);
});
