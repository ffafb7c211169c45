import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, jsonBody, unique } from '@/test/support/accounts';
import { POSTGRES_URL, skipWithoutPostgres } from '@/test/support/backends';
import { useLocalApp } from '@/test/support/local-app';
import { sendDeferred } from '@/test/contract/send';
import { createApp } from '../../app';
import { FLUSH_CLICKS } from './redirect.queries';

// What a click row holds, that a click batch counts once however often it is
// written, that clicks survive a database outage, and what a second isolate
// sees. Node only: it reads the table directly and takes the database down.
// Long enough that a loaded machine finishes a few requests within it.
const TTL_MS = 1_500;
const { send, isolate, db, server, env } = useLocalApp({ env: { LINK_CACHE_TTL_MS: String(TTL_MS) } });

async function makeLink(body: Record<string, unknown> = {}) {
  const res = await send(
    '/api/v1/links',
    jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/', slug: unique('k-'), ...body }),
  );
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; slug: string };
}

const clickRows = (linkId: string) =>
  db().query<Record<string, unknown>>(
    'select country, region, city, referrer_host, browser, os, device, is_bot from clicks where link_id = $1 order by is_bot',
    [linkId],
  );
const clicks = async (linkId: string) =>
  (await (await send(`/api/v1/links/${linkId}`, { headers: bearer(ADMIN_KEY) })).json()).clicks as number;

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
    const columns = await db().query<{ column_name: string }>(
      "select column_name from information_schema.columns where table_name = 'clicks'",
    );
    expect(columns.map((c) => c.column_name).join()).not.toMatch(/ip/);
  });

  it('keeps control characters from geo headers out of the row, so they cannot sink a batch', async () => {
    const link = await makeLink();
    const res = await send(`/${link.slug}`, { headers: { 'X-Vercel-IP-City': 'Bad%00City%0A' } });
    expect(res.status).toBe(302);
    expect((await clickRows(link.id))[0]).toMatchObject({ city: 'BadCity' });
  });

  it('counts a click batch once however often it is written (a retry after a timeout that committed)', async () => {
    const link = await makeLink();
    const batch = JSON.stringify([
      { link_id: link.id, at: new Date().toISOString(), is_bot: false },
      { link_id: link.id, at: new Date().toISOString(), is_bot: true },
    ]);
    const id = crypto.randomUUID();
    const first = await db().query<{ inserted: string }>(FLUSH_CLICKS, [batch, id]);
    const again = await Promise.all([1, 2].map(() => db().query<{ inserted: string }>(FLUSH_CLICKS, [batch, id])));
    expect(Number(first[0]!.inserted)).toBe(2);
    expect(again.map((rows) => Number(rows[0]!.inserted))).toEqual([0, 0]);
    expect(await clickRows(link.id)).toHaveLength(2);
    expect(await clicks(link.id)).toBe(1);
  });

  it('loses no click while the database is away, and answers redirects meanwhile', async () => {
    const link = await makeLink();
    const app = sendDeferred(createApp(), env());
    await app.send(`/${link.slug}`); // warm the cache
    await app.settle();
    server().pauseBackend();
    try {
      const statuses = await Promise.all([1, 2, 3, 4, 5].map(async () => (await app.send(`/${link.slug}`)).status));
      expect(statuses).toEqual([302, 302, 302, 302, 302]);
      await new Promise((resolve) => setTimeout(resolve, 300)); // let a write attempt fail
    } finally {
      server().resumeBackend();
    }
    await app.settle();
    expect(await clicks(link.id)).toBe(6);
    expect(await clickRows(link.id)).toHaveLength(6);
  }, 30_000);
});

describe('a frozen database (SIGSTOP, then SIGCONT)', () => {
  it('counts each click once although the batch write timed out and was retried while it committed', async () => {
    const link = await makeLink();
    const app = sendDeferred(createApp(), { ...env(), DB_QUERY_TIMEOUT_MS: '400' });
    for (let i = 0; i < 3; i++) await app.send(`/${link.slug}`); // cached, 3 clicks
    await app.settle();
    expect(await clicks(link.id)).toBe(3);

    server().setFault({ mode: 'freeze' });
    try {
      for (let i = 0; i < 5; i++) expect((await app.send(`/${link.slug}`)).status).toBe(302);
      // The batch write is held, times out on the client, and is retried (held again).
      await server().waitForStats((s) => s.held >= 2, 10_000);
    } finally {
      server().clearFault();
    }
    await app.settle();
    await server().waitForStats((s) => s.held === 0 && s.running === 0);
    expect(await clicks(link.id)).toBe(8);
    expect(await clickRows(link.id)).toHaveLength(8);
  }, 30_000);
});

describe('two isolates', () => {
  it('see a change made in the other within LINK_CACHE_TTL_MS, the one that made it at once', async () => {
    const other = isolate();
    const link = await makeLink({ url: 'https://example.com/before' });
    const location = async (via: typeof send) =>
      (await via(`/${link.slug}`, { redirect: 'manual' })).headers.get('location');
    expect(await location(send)).toBe('https://example.com/before');
    expect(await location(other)).toBe('https://example.com/before');
    await send(`/api/v1/links/${link.id}`, jsonBody('PATCH', ADMIN_KEY, { url: 'https://example.com/after' }));
    expect(await location(send)).toBe('https://example.com/after');
    expect(await location(other)).toBe('https://example.com/before'); // its cache still holds
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 100));
    expect(await location(other)).toBe('https://example.com/after');
  });

  it('follow a cap removed or a link deleted in the other at once, counting every click', async () => {
    const other = isolate();
    const capped = await makeLink({ maxClicks: 5 });
    const visit = (slug: string, ua?: string) =>
      other(`/${slug}`, {
        redirect: 'manual',
        headers: { Accept: 'application/json', ...(ua && { 'User-Agent': ua }) },
      });
    expect((await visit(capped.slug)).status).toBe(302); // cached there with its cap
    await send(`/api/v1/links/${capped.id}`, jsonBody('PATCH', ADMIN_KEY, { maxClicks: null }));
    expect((await visit(capped.slug)).status).toBe(302);
    expect((await visit(capped.slug, 'Googlebot/2.1')).status).toBe(302);
    expect(await clicks(capped.id)).toBe(2);
    await send(`/api/v1/links/${capped.id}`, { method: 'DELETE', headers: bearer(ADMIN_KEY) });
    expect((await visit(capped.slug)).status).toBe(404);
    expect((await visit(capped.slug, 'curl/8.5.0')).status).toBe(404);
  });

  it('see a cap raised in the other once their entry expires', async () => {
    const other = isolate();
    const once = await makeLink({ maxClicks: 1 });
    const visit = () => other(`/${once.slug}`, { redirect: 'manual', headers: { Accept: 'application/json' } });
    expect((await visit()).status).toBe(302);
    expect((await visit()).status).toBe(410);
    await send(`/api/v1/links/${once.id}`, jsonBody('PATCH', ADMIN_KEY, { maxClicks: 2 }));
    expect((await send(`/${once.slug}`, { redirect: 'manual' })).status).toBe(302); // this isolate: at once
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 100));
    expect((await visit()).status).toBe(410); // the other: after its TTL, and the raised cap is used up
    await send(`/api/v1/links/${once.id}`, jsonBody('PATCH', ADMIN_KEY, { maxClicks: 3 }));
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 100));
    expect((await visit()).status).toBe(302);
    expect(await clicks(once.id)).toBe(3);
  });

  it('hold their own click buffers, and both land', async () => {
    const link = await makeLink();
    const other = isolate();
    await Promise.all([send(`/${link.slug}`), other(`/${link.slug}`), other(`/${link.slug}`)]);
    expect(await clicks(link.id)).toBe(3);
  });
});

describe.skipIf(skipWithoutPostgres('PostgreSQL'))('click batches on PostgreSQL', () => {
  const pgApp = useLocalApp({ backend: POSTGRES_URL });

  it('makes a retry of a batch still being written wait for it, then count nothing', async () => {
    const res = await pgApp.send('/api/v1/links', jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/' }));
    const { id: linkId } = (await res.json()) as { id: string };
    const batch = JSON.stringify([{ link_id: linkId, at: new Date().toISOString(), is_bot: false }]);
    const batchId = crypto.randomUUID();
    // The first write, still open: its client has given up, its transaction has not.
    const first = new pg.Client({ connectionString: pgApp.backendUrl() });
    await first.connect();
    await first.query('begin');
    await first.query(FLUSH_CLICKS, [batch, batchId]);
    const retry = pgApp.db().query<{ inserted: string }>(FLUSH_CLICKS, [batch, batchId]);
    const watcher = new pg.Client({ connectionString: pgApp.backendUrl() });
    await watcher.connect();
    for (let deadline = Date.now() + 10_000; ;) {
      const { rows } = await watcher.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
      );
      if (rows[0]!.n >= 1) break; // the retry waits on the batch id's index entry
      if (Date.now() > deadline) throw new Error('the retry never waited on the first write');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await first.query('commit');
    await Promise.all([first.end(), watcher.end()]);
    expect(Number((await retry)[0]!.inserted)).toBe(0);
    const [row] = await pgApp.db().query<{ clicks: string }>('select clicks from links where id = $1', [linkId]);
    expect(Number(row!.clicks)).toBe(1);
  });
});
