import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, jsonBody, unique } from '@/test/support/accounts';
import { BACKENDS, skipWithoutPostgres } from '@/test/support/backends';
import { useLocalApp } from '@/test/support/local-app';
import { clickWriter, type Click } from '../redirect/redirect.queries';
import {
  AGGREGATE_DIFF,
  ROLLUP_DIFF,
  expectedBreakdown,
  expectedCount,
  expectedSeries,
  matches,
  randomQuestion,
  rng,
  seedClicks,
  type Query,
} from '@/test/support/analytics';

// Exactness against the raw clicks: random clicks written by the click
// path's own statement, then many random questions whose answers are
// computed here from the clicks themselves. PGlite and PostgreSQL.

const SEED = Number(process.env.ANALYTICS_SEED ?? 20261201);
const CLICKS = 3_000;
const QUESTIONS = 200;

describe.each(BACKENDS)('analytics (%s)', (name, backend) => {
  describe.skipIf(skipWithoutPostgres(name))('', () => {
    const app = useLocalApp({ backend });
    const links: { id: string; slug: string; url: string; tags: string[] }[] = [];
    let clicks: Click[] = [];
    const random = rng(SEED);

    beforeAll(async () => {
      for (const tags of [['a'], ['a'], ['a', 'b'], ['b'], [], []]) {
        const res = await app.send(
          '/api/v1/links',
          jsonBody('POST', ADMIN_KEY, { url: `https://example.com/${unique('')}`, slug: unique('an-'), tags }),
        );
        links.push(await res.json());
      }
      clicks = seedClicks(
        random,
        links.map((l) => l.id),
        CLICKS,
        Date.now(),
      );
      const write = clickWriter(() => app.db());
      for (let i = 0; i < clicks.length; i += 500) {
        const batch = { id: crypto.randomUUID(), clicks: clicks.slice(i, i + 500) };
        await write(batch);
        if (i === 0) await write(batch); // a retried batch counts once
      }
    }, 120_000);

    const ask = async (path: string, query: Query) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) {
        if (value === undefined) continue;
        for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
      }
      const res = await app.send(`${path}?${params}`, { headers: bearer(ADMIN_KEY) });
      const body = await res.json();
      expect(res.status, JSON.stringify({ query, body })).toBe(200);
      return body;
    };

    it('keeps the aggregates equal to the raw clicks, nulls included', async () => {
      const [diff] = await app.db().query(AGGREGATE_DIFF);
      expect(await app.db().query(ROLLUP_DIFF)).toEqual([{ dims: 0, days: 0 }]);
      expect(diff).toEqual({ n: 0 });
      const [{ n }] = (await app.db().query<{ n: string }>('select count(*) as n from clicks')) as [{ n: string }];
      expect(Number(n)).toBe(CLICKS);
    });

    it(`answers ${QUESTIONS} random questions exactly as the raw clicks do`, async () => {
      for (let i = 0; i < QUESTIONS; i++) {
        const { path, query, linkId } = randomQuestion(random, links, Date.now());
        const scoped = clicks.filter((click) => matches(click, linkId ? { ...query, linkId } : query, links));
        const label = JSON.stringify({ i, path, query });
        const body = await ask(path, query);
        const count = (await ask(path, { ...query, groupBy: 'count', interval: undefined, limit: undefined })).clicks;
        expect(count, label).toBe(expectedCount(scoped));
        const groupBy = query.groupBy ?? 'count';
        if (groupBy === 'count') expect(body, label).toEqual({ clicks: scoped.length });
        else if (groupBy === 'timeseries') {
          const { byKey, sum } = expectedSeries(
            body.series,
            scoped,
            String(query.interval ?? 'day'),
            String(query.timezone ?? 'UTC'),
          );
          expect(byKey.actual, label).toEqual(byKey.expected);
          expect(sum, label).toBe(count);
        } else {
          expect(body, label).toEqual(expectedBreakdown(String(groupBy), scoped, Number(query.limit ?? 10), links));
          const listed = body.items.reduce((s: number, item: { clicks: number }) => s + item.clicks, 0);
          expect(listed + body.other, label).toBe(count);
        }
      }
    }, 120_000);

    describe('local buckets in any zone', () => {
      let path: string;
      beforeAll(async () => {
        const res = await app.send('/api/v1/links', jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/tz' }));
        path = `/api/v1/links/${(await res.json()).id}/analytics`;
        const at = [
          // Berlin, autumn: 2026-10-25 has 25 hours (02:00–03:00 twice).
          ...['2026-10-24T21:59:59Z', '2026-10-24T22:00:00Z', '2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z'],
          ...['2026-10-25T22:59:59Z', '2026-10-25T23:00:00Z'],
          // Berlin, spring: 2026-03-29 has 23 hours (no 02:00).
          ...['2026-03-29T00:59:00Z', '2026-03-29T01:00:00Z'],
          // Around local midnight in Kathmandu (+05:45, 18:15Z) and Kolkata (+05:30, 18:30Z).
          ...['2026-11-10T18:14:59Z', '2026-11-10T18:15:00Z', '2026-11-10T18:29:59Z', '2026-11-10T18:30:00Z'],
        ];
        const base = { region: null, city: null, referrer_host: null, browser: null, os: null, device: null };
        const link_id = path.split('/')[4]!;
        const rows = at.map((t) => ({ ...base, link_id, at: t, country: 'DE', is_bot: false }));
        await clickWriter(() => app.db())({ id: crypto.randomUUID(), clicks: rows });
      });
      const series = async (query: Query) => (await ask(path, { groupBy: 'timeseries', ...query })).series;
      const nonZero = (s: { start: string; clicks: number }[]) => s.filter((b) => b.clicks > 0);

      it('days in Europe/Berlin across the end of DST', async () => {
        const days = await series({
          timezone: 'Europe/Berlin',
          from: '2026-10-24T00:00:00+02:00',
          to: '2026-10-27T00:00:00+01:00',
        });
        expect(days).toEqual([
          { start: '2026-10-24T00:00:00+02:00', clicks: 1 },
          { start: '2026-10-25T00:00:00+02:00', clicks: 4 },
          { start: '2026-10-26T00:00:00+01:00', clicks: 1 },
        ]);
      });

      it('hours in Europe/Berlin: 25 on the autumn day, 23 on the spring day', async () => {
        const autumn = await series({
          interval: 'hour',
          timezone: 'Europe/Berlin',
          from: '2026-10-25T00:00:00+02:00',
          to: '2026-10-26T00:00:00+01:00',
        });
        expect(autumn).toHaveLength(25);
        expect(autumn.slice(0, 5).map((b: { start: string }) => b.start)).toEqual([
          '2026-10-25T00:00:00+02:00',
          '2026-10-25T01:00:00+02:00',
          '2026-10-25T02:00:00+02:00',
          '2026-10-25T02:00:00+01:00',
          '2026-10-25T03:00:00+01:00',
        ]);
        expect(nonZero(autumn)).toEqual([
          { start: '2026-10-25T00:00:00+02:00', clicks: 1 },
          { start: '2026-10-25T02:00:00+02:00', clicks: 1 },
          { start: '2026-10-25T02:00:00+01:00', clicks: 1 },
          { start: '2026-10-25T23:00:00+01:00', clicks: 1 },
        ]);
        const spring = await series({
          interval: 'hour',
          timezone: 'Europe/Berlin',
          from: '2026-03-29T00:00:00+01:00',
          to: '2026-03-30T00:00:00+02:00',
        });
        expect(spring).toHaveLength(23);
        expect(spring.map((b: { start: string }) => b.start)).not.toContain('2026-03-29T02:00:00+01:00');
        expect(nonZero(spring)).toEqual([
          { start: '2026-03-29T01:00:00+01:00', clicks: 1 },
          { start: '2026-03-29T03:00:00+02:00', clicks: 1 },
        ]);
      });

      it('days in Asia/Kolkata (+05:30) and Asia/Kathmandu (+05:45)', async () => {
        expect(
          await series({
            timezone: 'Asia/Kolkata',
            from: '2026-11-10T00:00:00+05:30',
            to: '2026-11-12T00:00:00+05:30',
          }),
        ).toEqual([
          { start: '2026-11-10T00:00:00+05:30', clicks: 3 },
          { start: '2026-11-11T00:00:00+05:30', clicks: 1 },
        ]);
        expect(
          await series({
            timezone: 'Asia/Kathmandu',
            from: '2026-11-10T00:00:00+05:45',
            to: '2026-11-12T00:00:00+05:45',
          }),
        ).toEqual([
          { start: '2026-11-10T00:00:00+05:45', clicks: 1 },
          { start: '2026-11-11T00:00:00+05:45', clicks: 3 },
        ]);
        const hours = await series({
          interval: 'hour',
          timezone: 'Asia/Kathmandu',
          from: '2026-11-10T23:00:00+05:45',
          to: '2026-11-11T01:00:00+05:45',
        });
        expect(hours).toEqual([
          { start: '2026-11-10T23:00:00+05:45', clicks: 1 },
          { start: '2026-11-11T00:00:00+05:45', clicks: 3 },
        ]);
      });

      it('counts a range that is not on a 15-minute boundary from the raw clicks at its edges', async () => {
        const count = await ask(path, { from: '2026-11-10T18:14:59.500Z', to: '2026-11-10T18:30:00.001Z' });
        expect(count).toEqual({ clicks: 3 });
        const inside = await ask(path, { from: '2026-11-10T18:15:00.001Z', to: '2026-11-10T18:29:59.999Z' });
        expect(inside).toEqual({ clicks: 1 });
      });
    });

    it('counts a capped link’s clicks, recorded by their own statement', async () => {
      const res = await app.send(
        '/api/v1/links',
        jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/capped', slug: unique('cap-'), maxClicks: 5 }),
      );
      const link = await res.json();
      const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36';
      for (let i = 0; i < 2; i++)
        await app.send(`/${link.slug}`, { redirect: 'manual', headers: { 'User-Agent': chrome } });
      const browsers = await ask(`/api/v1/links/${link.id}/analytics`, { groupBy: 'browser' });
      expect(browsers).toEqual({ groupBy: 'browser', items: [{ value: 'Chrome', clicks: 2 }], other: 0 });
    });

    it('forgets a deleted link’s clicks in all-links answers', async () => {
      const res = await app.send('/api/v1/links', jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/gone' }));
      const link = await res.json();
      const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36';
      for (let i = 0; i < 3; i++) {
        await app.send(`/${link.slug}`, {
          redirect: 'manual',
          headers: { 'User-Agent': chrome, 'X-Vercel-IP-Country': 'FR' },
        });
      }
      const france = async () =>
        (await ask('/api/v1/analytics', { groupBy: 'country', limit: 100 })).items.find(
          (item: { value: string }) => item.value === 'FR',
        )?.clicks ?? 0;
      const total = async () => (await ask('/api/v1/analytics', {})).clicks;
      const [before, inFrance] = [await total(), await france()];
      expect(inFrance).toBe(3);
      await app.send(`/api/v1/links/${link.id}`, { method: 'DELETE', headers: bearer(ADMIN_KEY) });
      expect(await total()).toBe(before - 3);
      expect(await france()).toBe(0);
      expect(await app.db().query(ROLLUP_DIFF)).toEqual([{ dims: 0, days: 0 }]);
    });
  });
});
