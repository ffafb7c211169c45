import { beforeAll, describe, expect, it } from 'vitest';
import type { Send } from '@/test/contract/suite';
import { bearer, jsonBody, keyFor, unique } from '@/test/support/accounts';
import { expectInvalid, expectProblem, expectUnauthorized } from '@/test/support/problem';

// Analytics, the click list and the export through HTTP; run in Node, the
// edge-runtime VM, workerd and the Node server mode. The database is shared
// with the other suites: every question is scoped to this suite's links.

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const BOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

interface Visit {
  ua: string;
  country?: string;
  referer?: string;
}

export function analyticsContract(send: Send) {
  let viewer: string;
  let a: { id: string; slug: string; url: string };
  let b: { id: string; slug: string; url: string };
  const tag = unique('t');

  const get = (path: string, key = viewer) => send(path, { headers: bearer(key) });
  const json = async (path: string) => {
    const res = await get(path);
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json();
  };
  const visit = (slug: string, { ua, country, referer }: Visit) =>
    send(`/${slug}`, {
      redirect: 'manual',
      headers: {
        'User-Agent': ua,
        ...(country && { 'X-Vercel-IP-Country': country }),
        ...(referer && { Referer: referer }),
      },
    });

  beforeAll(async () => {
    const editor = (await keyFor(send, 'editor')).key;
    viewer = (await keyFor(send, 'viewer')).key;
    const make = async (tags: string[]) => {
      const res = await send(
        '/api/v1/links',
        jsonBody('POST', editor, { url: `https://example.com/${unique('')}`, slug: unique('an-'), tags }),
      );
      expect(res.status).toBe(201);
      return res.json();
    };
    [a, b] = await Promise.all([make([tag]), make([])]);
    const visits: [string, Visit][] = [
      [a.slug, { ua: CHROME, country: 'DE', referer: 'https://news.example/item?id=1' }],
      [a.slug, { ua: CHROME, country: 'DE', referer: 'https://news.example/item?id=2' }],
      [a.slug, { ua: CHROME, country: 'DE' }],
      [a.slug, { ua: FIREFOX, country: 'US', referer: 'https://=cmd.example/' }],
      [a.slug, { ua: FIREFOX }],
      [a.slug, { ua: BOT, country: 'US' }],
      [b.slug, { ua: CHROME, country: 'IN' }],
      [b.slug, { ua: CHROME, country: 'IN' }],
    ];
    for (const [slug, v] of visits) expect((await visit(slug, v)).status).toBe(302);
  });

  describe('GET /api/v1/links/{id}/analytics', () => {
    it('counts human clicks by default, bots on request', async () => {
      expect(await json(`/api/v1/links/${a.id}/analytics`)).toEqual({ clicks: 5 });
      expect(await json(`/api/v1/links/${a.id}/analytics?bots=include`)).toEqual({ clicks: 6 });
      expect(await json(`/api/v1/links/${a.id}/analytics?bots=only`)).toEqual({ clicks: 1 });
    });

    it('breaks down by a dimension, unknown values as null, items plus other equal to the count', async () => {
      expect(await json(`/api/v1/links/${a.id}/analytics?groupBy=country`)).toEqual({
        groupBy: 'country',
        items: [
          { value: 'DE', clicks: 3 },
          { value: 'US', clicks: 1 },
          { value: null, clicks: 1 },
        ],
        other: 0,
      });
      expect(await json(`/api/v1/links/${a.id}/analytics?groupBy=referrer&limit=1`)).toEqual({
        groupBy: 'referrer',
        items: [{ value: 'news.example', clicks: 2 }],
        other: 3,
      });
    });

    it('combines filters across dimensions, and excludes with a leading -', async () => {
      const base = `/api/v1/links/${a.id}/analytics`;
      expect(await json(`${base}?country=DE&browser=Chrome`)).toEqual({ clicks: 3 });
      expect(await json(`${base}?country=DE&browser=Firefox`)).toEqual({ clicks: 0 });
      expect(await json(`${base}?browser=-Chrome`)).toEqual({ clicks: 2 });
      expect(await json(`${base}?country=DE&country=US&groupBy=browser`)).toMatchObject({
        items: [
          { value: 'Chrome', clicks: 3 },
          { value: 'Firefox', clicks: 1 },
        ],
        other: 0,
      });
    });

    it('answers a timeseries with every bucket of the range, summing to the count', async () => {
      const now = Date.now();
      const from = new Date(now - 3 * 86_400_000).toISOString();
      const to = new Date(now + 3_600_000).toISOString();
      const body = await json(
        `/api/v1/links/${a.id}/analytics?groupBy=timeseries&timezone=Asia/Kathmandu&from=${from}&to=${to}`,
      );
      expect(body).toMatchObject({ interval: 'day', timezone: 'Asia/Kathmandu' });
      expect(body.series.length).toBeGreaterThanOrEqual(4);
      for (const bucket of body.series) expect(bucket.start).toMatch(/^\d{4}-\d\d-\d\dT00:00:00\+05:45$/);
      expect(body.series.reduce((sum: number, s: { clicks: number }) => sum + s.clicks, 0)).toBe(5);
      const hours = await json(
        `/api/v1/links/${a.id}/analytics?groupBy=timeseries&interval=hour&from=${from}&to=${to}`,
      );
      expect(hours.series).toHaveLength(74);
    });

    it('answers 404 for an unknown link and 401 without a key', async () => {
      await expectProblem(await get(`/api/v1/links/${crypto.randomUUID()}/analytics`), 404);
      await expectUnauthorized(await send(`/api/v1/links/${a.id}/analytics`));
    });
  });

  describe('GET /api/v1/analytics', () => {
    it('scopes by link ids and tags, and a link breakdown names each link', async () => {
      expect(await json(`/api/v1/analytics?tag=${tag}`)).toEqual({ clicks: 5 });
      expect(await json(`/api/v1/analytics?linkId=${a.id}&linkId=${b.id}&groupBy=link`)).toEqual({
        groupBy: 'link',
        items: [
          { value: a.id, clicks: 5, slug: a.slug, url: a.url },
          { value: b.id, clicks: 2, slug: b.slug, url: b.url },
        ],
        other: 0,
      });
    });

    it.each([
      ['an unknown groupBy', 'groupBy=planet', 'groupBy'],
      ['interval without timeseries', 'groupBy=country&interval=day', 'interval'],
      ['an unknown interval', 'groupBy=timeseries&interval=fortnight', 'interval'],
      ['an unknown zone', 'timezone=Mars/Olympus_Mons', 'timezone'],
      ['an offset for a zone', 'timezone=%2B05:30', 'timezone'],
      ['from not before to', 'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
      ['a range over a year', 'from=2024-01-01T00:00:00Z&to=2025-06-01T00:00:00Z', 'to'],
      [
        'over 1,000 buckets',
        'groupBy=timeseries&interval=hour&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z',
        'interval',
      ],
      ['a date without offset', 'from=2026-01-01', 'from'],
      ['a limit over 100', 'groupBy=country&limit=101', 'limit'],
      ['a link id that is not a UUID', 'linkId=abc', 'linkId'],
      ['unknown bots', 'bots=some', 'bots'],
    ])('answers %s with 422 naming the parameter', async (_, query, field) => {
      await expectInvalid(await get(`/api/v1/analytics?${query}`), [field]);
    });
  });

  describe('GET /api/v1/links/{id}/clicks', () => {
    it('lists the click events newest first, a page at a time', async () => {
      const first = await get(`/api/v1/links/${a.id}/clicks?limit=3`);
      expect(first.status).toBe(200);
      const page1 = await first.json();
      expect(page1.items).toHaveLength(3);
      expect(first.headers.get('link')).toMatch(/^<\/api\/v1\/links\/[^>]+cursor=[^>]+>; rel="next"$/);
      const page2 = await json(`/api/v1/links/${a.id}/clicks?limit=3&cursor=${page1.nextCursor}`);
      expect(page2.items).toHaveLength(2);
      expect(page2.nextCursor).toBeNull();
      const all = [...page1.items, ...page2.items];
      expect(new Set(all.map((c: { id: string }) => c.id)).size).toBe(5);
      const times = all.map((c: { at: string }) => c.at);
      expect(times).toEqual([...times].sort().reverse());
      expect(all[0]).toEqual({
        id: expect.stringMatching(/^\d+$/),
        linkId: a.id,
        at: expect.stringMatching(/Z$/),
        country: null,
        region: null,
        city: null,
        referrer: null,
        browser: 'Firefox',
        os: 'Linux',
        device: 'desktop',
        isBot: false,
      });
      const bots = await json(`/api/v1/links/${a.id}/clicks?bots=only`);
      expect(bots.items.map((c: { isBot: boolean }) => c.isBot)).toEqual([true]);
    });

    it('answers 404 for an unknown link and 422 for a foreign cursor', async () => {
      await expectProblem(await get(`/api/v1/links/${crypto.randomUUID()}/clicks`), 404);
      await expectInvalid(await get(`/api/v1/links/${a.id}/clicks?cursor=nope`), ['cursor']);
    });
  });

  describe('GET /api/v1/clicks/export', () => {
    it('streams CSV with a header row, neutralised formulas and a file name', async () => {
      const from = new Date(Date.now() - 86_400_000).toISOString();
      const res = await get(`/api/v1/clicks/export?linkId=${a.id}&from=${from}&bots=include`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toMatch(
        /^attachment; filename="hop-clicks-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.csv"$/,
      );
      const lines = (await res.text()).split('\r\n');
      expect(lines[0]).toBe('id,linkId,at,country,region,city,referrer,browser,os,device,isBot');
      expect(lines.at(-1)).toBe('');
      expect(lines).toHaveLength(1 + 6 + 1);
      expect(lines.find((line) => line.includes('cmd.example'))).toContain(",'=cmd.example,");
    });

    it('streams NDJSON when asked by Accept, filtered like analytics', async () => {
      const res = await send(`/api/v1/clicks/export?linkId=${a.id}&country=DE`, {
        headers: bearer(viewer, { Accept: 'application/x-ndjson' }),
      });
      expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      expect(res.headers.get('content-disposition')).toMatch(/\.ndjson"$/);
      const rows = (await res.text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(rows).toHaveLength(3);
      expect(rows.every((row: { country: string }) => row.country === 'DE')).toBe(true);
      expect(rows.map((row: { id: string }) => Number(row.id))).toEqual(
        rows.map((row: { id: string }) => Number(row.id)).sort((x, y) => x - y),
      );
    });

    it('answers bad parameters with 422 and no key with 401', async () => {
      await expectInvalid(await get('/api/v1/clicks/export?format=xlsx'), ['format']);
      await expectInvalid(await get('/api/v1/clicks/export?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z'), [
        'from',
      ]);
      await expectUnauthorized(await send('/api/v1/clicks/export'));
    });
  });
}
