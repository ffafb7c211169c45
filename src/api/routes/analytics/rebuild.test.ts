import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrateUrl } from '@/scripts/db-migrate';
import { AGGREGATE_DIFF, ROLLUP_DIFF, rng, seedClicks } from '@/test/support/analytics';
import { BACKENDS, skipWithoutPostgres } from '@/test/support/backends';
import { run } from '@/test/support/process';
import { createDb } from '../../db/client';
import { startLocalDb, type LocalDb } from '../../../localdb';
import { clickWriter } from '../redirect/redirect.queries';
import { rebuildClickCounts } from './rebuild';

// The aggregates' life outside the click path: the migration backfills the
// clicks already there, and npm run analytics:rebuild re-derives them.

// A throwaway database on PostgreSQL (concurrent writes really overlap there), PGlite's own otherwise.
async function throwaway(backend: string | undefined): Promise<{ url?: string; drop: () => Promise<void> }> {
  if (!backend) return { drop: async () => {} };
  const name = `hop_rebuild_${process.pid}_${Date.now()}`;
  const sql = async (text: string) => {
    const client = new pg.Client({ connectionString: backend });
    await client.connect();
    await client.query(text);
    await client.end();
  };
  await sql(`create database ${name}`);
  return {
    url: Object.assign(new URL(backend), { pathname: `/${name}` }).href,
    drop: () => sql(`drop database if exists ${name} with (force)`),
  };
}

describe.each(BACKENDS)('%s', (name, backend) => {
  describe.skipIf(skipWithoutPostgres(name))('', () => {
    let server: LocalDb;
    const db = () => createDb(server.databaseUrl, 30_000);
    const diff = async () => {
      const [{ n }] = (await db().query<{ n: number }>(AGGREGATE_DIFF)) as [{ n: number }];
      const [{ dims, days }] = (await db().query<{ dims: number; days: number }>(ROLLUP_DIFF)) as [
        { dims: number; days: number },
      ];
      return n + dims + days;
    };
    const counts = () =>
      db().query(
        `select link_id, bucket, country, region, city, referrer_host, browser, os, device, is_bot, clicks
         from click_counts order by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`,
      );
    let links: string[];
    let dropDatabase = async () => {};

    beforeAll(async () => {
      const database = await throwaway(backend);
      dropDatabase = database.drop;
      server = await startLocalDb(database.url ? { backend: database.url } : { dataDir: null });
      // The schema before the aggregates, with clicks in it.
      await migrateUrl(
        server.databaseUrl,
        loadMigrations().filter((m) => m.version < '0007'),
      );
      const rows = await db().query<{ id: string }>(
        `insert into links (slug, url) select 'rb-' || n, 'https://example.com/' || n from generate_series(1, 4) n returning id`,
      );
      links = rows.map((r) => r.id);
      const clicks = seedClicks(rng(7), links, 1_500, Date.now());
      await db().query(
        `insert into clicks (link_id, at, country, region, city, referrer_host, browser, os, device, is_bot)
         select link_id, at, country, region, city, referrer_host, browser, os, device, is_bot
         from jsonb_to_recordset($1::jsonb) as x(link_id uuid, at timestamptz, country text, region text, city text,
           referrer_host text, browser text, os text, device text, is_bot boolean)`,
        [JSON.stringify(clicks)],
      );
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await dropDatabase();
    });

    describe('click aggregates', () => {
      it('are backfilled by their migration from the clicks already recorded', async () => {
        expect((await migrateUrl(server.databaseUrl)).applied).toContain('0007');
        expect((await db().query<{ n: number }>('select count(*)::int as n from click_counts'))[0]!.n).toBeGreaterThan(
          0,
        );
        expect(await diff()).toBe(0);
      });

      it('are re-derived by the rebuild, day by day, whatever happened to them, and a second run changes nothing', async () => {
        await db().query('delete from click_counts where ctid in (select ctid from click_counts limit 50)');
        await db().query(
          'update click_counts set clicks = clicks + 3 where ctid in (select ctid from click_counts limit 20)',
        );
        await db().query(
          `insert into click_counts (link_id, bucket, is_bot, clicks) values ($1, '2026-09-01T00:00:00Z', false, 9)`,
          [links[0]],
        );
        await db().query(
          `update click_dims set clicks = clicks + 1 where ctid in (select ctid from click_dims limit 5)`,
        );
        await db().query(`delete from click_link_days where ctid in (select ctid from click_link_days limit 5)`);
        expect(await diff()).toBeGreaterThan(0);
        const days: string[] = [];
        await rebuildClickCounts(db(), ({ day }) => days.push(day));
        expect(days[0]).toBe('2026-09-01');
        expect(await diff()).toBe(0);
        const before = await counts();
        await rebuildClickCounts(db());
        expect(await counts()).toEqual(before);
      });

      it('keep counting clicks written while a rebuild runs', async () => {
        const write = clickWriter(db);
        const fresh = seedClicks(rng(8), links, 400, Date.now());
        await Promise.all([
          rebuildClickCounts(db()),
          ...[0, 100, 200, 300].map((i) => write({ id: crypto.randomUUID(), clicks: fresh.slice(i, i + 100) })),
        ]);
        expect(await diff()).toBe(0);
      });

      it('npm run analytics:rebuild runs it against DATABASE_URL', async () => {
        await db().query('truncate click_counts, click_dims, click_link_days');
        const output = await run('node_modules/.bin/tsx', ['scripts/analytics-rebuild.ts'], {
          DATABASE_URL: server.databaseUrl,
        });
        expect(output).toMatch(/rebuilt \d+ day\(s\)/);
        expect(await diff()).toBe(0);
      });
    });
  });
});
