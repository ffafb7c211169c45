// The analytics section of `npm run bench` (also alone: `npm run bench:analytics`).
// On PostgreSQL (BENCH_DATABASE_URL, else TEST_DATABASE_URL), in a throwaway
// database: 1,000 links and BENCH_ANALYTICS_ROWS synthetic clicks (default
// 1,000,000) over 90 days, made by generate_series inside Postgres, then:
//   1. the median time of count, timeseries (30 days, day), country and link
//      breakdowns, for one link and all links, through the app (aggregates),
//      beside the same question as a raw scan of clicks, in the same run;
//   2. a 500-click batch write with the aggregate upsert and without;
//   3. with an app build (from bench.ts, or BENCH_ANALYTICS_EXPORT=1), the
//      export of every click through `next start`: rows/s and peak RSS growth.
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { nextBuild, ready, snapshotApp, startNext } from '../bench/servers';
import { createApp } from '../src/api/app';
import { createDb, type Db } from '../src/api/db/client';
import { splitSql } from '../src/api/db/split-sql';
import { statementOf } from '../src/api/routes/analytics/analytics.handlers';
import { questionOf, type AnalyticsInput } from '../src/api/routes/analytics/question';
import { FLUSH_CLICKS } from '../src/api/routes/redirect/redirect.queries';
import { startLocalDb } from '../src/localdb';
import { sendVia } from '../test/contract/send';
import { loadMigrations, migrateUrl } from './db-migrate';

// The migration's backfill statements (inserts into the aggregates).
const AGGREGATE_BACKFILL = splitSql(loadMigrations().find((m) => m.version === '0007')!.sql).filter((s) =>
  /^\s*insert into click_/.test(s.replace(/^(\s*--.*\n)*/, '')),
);

const KEY = `hop_bench_${crypto.randomUUID().replaceAll('-', '')}`;
const log = (line = '') => process.stdout.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (n: number) => n.toFixed(n < 10 ? 2 : 0).padStart(8);

async function admin(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** 1,000 links; `rows` clicks over 90 days: skewed links, countries and browsers, 5 % bots. */
async function generate(url: string, rows: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`insert into links (slug, url) select 'bench-' || n, 'https://example.com/' || n
      from generate_series(1, 1000) n`);
    await client.query(`insert into clicks (link_id, at, country, region, city, referrer_host, browser, os, device, is_bot)
      select * from (
      select l.ids[1 + floor(1000 * power(random(), 2))::int], now() - random() * interval '90 days' as at,
        c.country, c.country || '-' || r3, c.country || '-city-' || r5,
        (array['google.com', 't.co', 'news.ycombinator.com', 'reddit.com', 'linkedin.com', null, null])[1 + floor(random() * 7)::int],
        (array['Chrome', 'Chrome', 'Chrome', 'Safari', 'Safari', 'Firefox', 'Edge', null])[1 + floor(random() * 8)::int],
        (array['Windows', 'iOS', 'Android', 'macOS', 'Linux', null])[1 + floor(random() * 6)::int],
        (array['desktop', 'mobile', 'mobile', 'tablet', null])[1 + floor(random() * 5)::int],
        random() < 0.05
      from generate_series(1, ${rows}) n,
        lateral (select floor(random() * 3)::int as r3, floor(random() * 5)::int as r5,
          (array['US', 'US', 'US', 'DE', 'DE', 'IN', 'IN', 'GB', 'FR', 'BR', 'JP', 'NP', 'CA', 'AU', null])
            [1 + floor(power(random(), 1.5) * 15)::int] as country, n as k) c,
        (select array_agg(id order by slug) as ids from links) l
      ) g order by at`); // in time order, as clicks arrive
    // The aggregates as the migration backfills them.
    await client.query('truncate click_counts, click_dims, click_link_days');
    for (const statement of AGGREGATE_BACKFILL) await client.query(statement);
    await client.query('vacuum analyze clicks');
    for (const table of ['click_counts', 'click_dims', 'click_link_days'])
      await client.query(`vacuum analyze ${table}`);
    const { rows: sizes } = await client.query(
      `select (select count(*) from clicks) as clicks, (select count(*) from click_counts) as counts,
        (select count(*) from click_dims) as dims, (select count(*) from click_link_days) as days`,
    );
    return sizes[0] as { clicks: string; counts: string; dims: string; days: string };
  } finally {
    await client.end();
  }
}

/** The same questions as raw scans of clicks. */
const RAW: Record<string, (scope: string) => string> = {
  count: (s) => `select count(*) from clicks where ${s}`,
  'timeseries 30 d/day': (s) =>
    `select g.d, coalesce(n, 0) from generate_series(date_trunc('day', $1::timestamptz at time zone 'UTC'),
      $2::timestamptz at time zone 'UTC', interval '1 day') g(d)
     left join (select date_trunc('day', at at time zone 'UTC') as d, count(*) as n from clicks where ${s} group by 1) c using (d)`,
  country: (s) =>
    `select country, n, sum(n) over () from (select country, count(*) as n from clicks where ${s} group by 1) g
     order by n desc, country limit 10`,
  link: (s) =>
    `select l.slug, n, total from (select link_id, n, sum(n) over () as total from
       (select link_id, count(*) as n from clicks where ${s} group by 1) g order by n desc limit 10) t
     join links l on l.id = t.link_id`,
};
const API: Record<string, string> = {
  count: 'groupBy=count',
  'timeseries 30 d/day': 'groupBy=timeseries&interval=day',
  country: 'groupBy=country',
  link: 'groupBy=link',
};

async function time(fn: () => Promise<unknown>, reps: number): Promise<number> {
  await fn(); // warm
  const runs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    runs.push(performance.now() - t);
  }
  return median(runs);
}

const API_QUERY: Record<string, AnalyticsInput> = {
  count: { groupBy: 'count' },
  'timeseries 30 d/day': { groupBy: 'timeseries', interval: 'day' },
  country: { groupBy: 'country' },
  link: { groupBy: 'link' },
};

async function questions(db: Db, send: ReturnType<typeof sendVia>, linkId: string) {
  // The API's default range: the last 30 days up to the end of the current 15 minutes.
  const q = 15 * 60_000;
  const to = new Date(Math.ceil((Date.now() + 1) / q) * q).toISOString();
  const from = new Date(Date.parse(to) - 30 * 86_400_000).toISOString();
  log('\nAnalytics: median ms per question. SQL: the statement the API runs vs the same question as a raw scan,');
  log('both through the driver and the local Neon server (server time); HTTP: the whole API request, in process.');
  log('question                    scope        HTTP API   SQL (aggr.)   raw scan   speed-up (SQL)');
  let worst = 0;
  let least = Infinity;
  for (const [name, query] of Object.entries(API)) {
    for (const [scopeName, path, raw, scope] of [
      [
        'one link',
        `/api/v1/links/${linkId}/analytics?${query}`,
        `link_id = '${linkId}' and`,
        { linkId: [linkId] as string[] },
      ],
      ['all links', `/api/v1/analytics?${query}`, '', {}],
    ] as const) {
      const api = await time(async () => {
        const res = await send(`${path}&from=${from}&to=${to}`, { headers: { Authorization: `Bearer ${KEY}` } });
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
        await res.text();
      }, 15);
      const question = questionOf({ ...API_QUERY[name], ...scope, from, to });
      if ('errors' in question) throw new Error(JSON.stringify(question.errors));
      const { statement } = statementOf(question.ok);
      const ours = await time(() => db.query(statement.text, statement.params), 15);
      const sql = RAW[name]!(`${raw} at >= $1 and at < $2 and not is_bot`);
      const scan = await time(() => db.query(sql, [from, to]), 5);
      worst = Math.max(worst, api);
      least = Math.min(least, scan / ours);
      log(
        `${name.padEnd(28)}${scopeName.padEnd(10)}${ms(api)}${ms(ours)}     ${ms(scan)}     ${(scan / ours).toFixed(1).padStart(6)}×`,
      );
    }
  }
  log(`slowest request ${worst.toFixed(1)} ms (target ≤ 50); least speed-up ${least.toFixed(1)}× (target ≥ 20×)`);
}

/** A 500-click batch written with the aggregate upsert and without it, alternately. */
async function writeCost(db: Db, linkIds: string[]) {
  const plain = FLUSH_CLICKS.replace(/aggregated as \([\s\S]*?click_link_days\.clicks \+ excluded\.clicks\s*\),/, '');
  if (plain === FLUSH_CLICKS) throw new Error('could not take the aggregate upsert out of FLUSH_CLICKS');
  const batch = () =>
    JSON.stringify(
      Array.from({ length: 500 }, (_, i) => ({
        link_id: linkIds[i % 50],
        at: new Date().toISOString(),
        country: ['US', 'DE', 'IN'][i % 3],
        region: null,
        city: null,
        referrer_host: i % 2 ? 't.co' : null,
        browser: ['Chrome', 'Safari'][i % 2],
        os: 'iOS',
        device: 'mobile',
        is_bot: false,
      })),
    );
  const runs = { with: [] as number[], without: [] as number[] };
  for (let i = 0; i < 40; i++) {
    for (const [name, text] of [
      ['with', FLUSH_CLICKS],
      ['without', plain],
    ] as const) {
      const t = performance.now();
      await db.query(text, [batch(), crypto.randomUUID()]);
      if (i >= 5) runs[name].push(performance.now() - t);
    }
  }
  const [a, b] = [median(runs.with), median(runs.without)];
  log(
    `\nClick batch (500 clicks, 50 links): ${a.toFixed(1)} ms with aggregates, ${b.toFixed(1)} ms without: ${(a / b).toFixed(2)}× (target ≤ 1.5×)`,
  );
}

/** Resident memory of a process group, from /proc. */
function groupRssMb(pgid: number): number {
  let kb = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== pgid) continue;
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return kb / 1024;
}

async function exportThroughNext(appDir: string, env: Record<string, string>, rows: number) {
  const next = await startNext('app, export', env, appDir);
  try {
    await ready(next, '/api/health');
    const pgid = next.process.child.pid!;
    const url = `${next.url}/api/v1/clicks/export?bots=include&from=${new Date(Date.now() - 91 * 86_400_000).toISOString()}`;
    await (
      await fetch(url.replace('from=', 'linkId=00000000-0000-4000-8000-000000000000&from='), {
        headers: { Authorization: `Bearer ${KEY}` },
      })
    ).text();
    const before = groupRssMb(pgid);
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, groupRssMb(pgid));
    }, 100);
    const started = performance.now();
    const res = await fetch(url, { headers: { Authorization: `Bearer ${KEY}` } });
    let lines = 0;
    let firstByte = 0;
    const decoder = new TextDecoder();
    const reader = res.body!.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      firstByte ||= performance.now() - started;
      const text = decoder.decode(read.value, { stream: true });
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    log(
      `\nExport through next start: ${lines - 1} rows (every click, the write bench's included) in ${seconds.toFixed(1)} s = ${Math.round((lines - 1) / seconds)} rows/s; ` +
        `first byte ${firstByte.toFixed(0)} ms; server RSS ${before.toFixed(0)} → peak ${peak.toFixed(0)} MB (+${(peak - before).toFixed(0)} MB; target ≤ 50)`,
    );
  } finally {
    await next.process.stop();
  }
}

export async function benchAnalytics(options: { appDir?: string } = {}): Promise<void> {
  const base = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (!base) {
    log('\nAnalytics: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL to a PostgreSQL server)');
    return;
  }
  const rows = Number(process.env.BENCH_ANALYTICS_ROWS ?? 1_000_000);
  const name = `hop_bench_analytics_${process.pid}`;
  await admin(base, `create database ${name}`);
  const url = Object.assign(new URL(base), { pathname: `/${name}` }).href;
  const local = await startLocalDb({ backend: url });
  try {
    await migrateUrl(local.databaseUrl);
    const started = performance.now();
    const sizes = await generate(url, rows);
    log(
      `\nAnalytics data: ${sizes.clicks} clicks; aggregate rows: click_counts ${sizes.counts}, click_dims ${sizes.dims}, click_link_days ${sizes.days}; made in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    const env = {
      DATABASE_URL: local.databaseUrl,
      INITIAL_API_KEY: KEY,
      LOG_LEVEL: 'warn',
      RATE_LIMITS: 'false',
      DB_QUERY_TIMEOUT_MS: '60000',
    };
    const db = createDb(local.databaseUrl, 120_000);
    const send = sendVia(createApp(), env);
    const links = await db.query<{ id: string }>('select id from links order by slug');
    // A link of middling traffic (the skew puts the busiest first).
    await questions(db, send, links[100]!.id);
    await writeCost(
      db,
      links.map((l) => l.id),
    );
    if (options.appDir) await exportThroughNext(options.appDir, env, rows);
  } finally {
    await local.close();
    await admin(base, `drop database if exists ${name} with (force)`);
  }
}

if (process.argv[1] === import.meta.filename) {
  const appDir = process.env.BENCH_ANALYTICS_EXPORT === '1' ? snapshotApp() : undefined;
  if (appDir) await nextBuild(appDir);
  await benchAnalytics({ appDir });
}
