import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, jsonBody, unique } from '@/test/support/accounts';
import { POSTGRES_URL } from '@/test/support/backends';
import { useLocalApp } from '@/test/support/local-app';
import { readSse } from '@/test/support/sse';

// Identity values commit out of order: a transaction may hold a smaller id
// (or an older xid) than a click committed after it. On PostgreSQL, where
// transactions really overlap (PGlite runs one at a time), the stream must
// still deliver every click once, live and across reconnects.
const FAST = { STREAM_POLL_MS: '100', STREAM_KEEPALIVE_MS: '1000', RATE_LIMITS: 'false' };

describe.skipIf(!POSTGRES_URL)('the click stream with concurrent writers (PostgreSQL)', () => {
  const { send, isolate, db, backendUrl } = useLocalApp({ backend: POSTGRES_URL, env: FAST });

  async function makeLink() {
    const res = await send(
      '/api/v1/links',
      jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/', slug: unique('o-') }),
    );
    return (await res.json()) as { id: string; slug: string };
  }
  const open = (query: string, headers: Record<string, string> = {}) =>
    send(`/api/v1/clicks/stream${query}`, { headers: bearer(ADMIN_KEY, headers) }).then(readSse);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function heldTransaction() {
    const client = new pg.Client({ connectionString: backendUrl() });
    await client.connect();
    await client.query('begin');
    return client;
  }

  it.each([
    ['takes its transaction id first and its click id after a later click', true],
    ['takes its click id first and commits after a later click', false],
  ])('holds back a click behind a transaction that %s, then sends both once', async (_, xidFirst) => {
    // The held click is another link's: a click row holds a key-share lock on its link, which a flush would wait on.
    const [link, other] = [await makeLink(), await makeLink()];
    const scope = `?linkId=${link.id}&linkId=${other.id}`;
    const live = await open(scope);
    await live.waitForEvent('ready');
    const readyId = live.lastId()!;
    const held = await heldTransaction();
    try {
      const insert = () =>
        held.query('insert into clicks (link_id, is_bot) values ($1, false) returning id', [other.id]);
      let heldId: string;
      if (xidFirst) {
        await held.query('select pg_current_xact_id()'); // like a flush: the batch claim comes first
        await send(`/${link.slug}`);
        heldId = (await insert()).rows[0].id;
      } else {
        heldId = (await insert()).rows[0].id;
        await send(`/${link.slug}`);
      }
      await sleep(600); // six polls: the committed click must wait for the open transaction
      expect(live.clicks()).toHaveLength(0);
      await held.query('commit');
      await live.waitForClicks(2);
      await sleep(300);
      const ids = live.clicks().map((e) => e.data.id);
      expect(ids).toHaveLength(2);
      expect(ids).toContain(String(heldId));
      // A client that went away before the commit resumes with both, too.
      const resumed = await open(scope, { 'Last-Event-ID': readyId });
      await resumed.waitForClicks(2);
      expect(
        resumed
          .clicks()
          .map((e) => e.data.id)
          .sort(),
      ).toEqual([...ids].sort());
      await Promise.all([live.close(), resumed.close()]);
    } finally {
      await held.end();
    }
  });

  it('is not held back by a transaction open in another database of the cluster', async () => {
    const link = await makeLink();
    const live = await open(`?linkId=${link.id}`);
    await live.waitForEvent('ready');
    const elsewhere = new pg.Client({ connectionString: POSTGRES_URL });
    await elsewhere.connect();
    try {
      await elsewhere.query('begin');
      await elsewhere.query('select pg_current_xact_id()');
      await send(`/${link.slug}`);
      await live.waitForClicks(1, 3_000);
      await elsewhere.query('commit');
    } finally {
      await elsewhere.end();
      await live.close();
    }
  });

  it('loses nothing and repeats nothing while three isolates write and the reader keeps reconnecting', async () => {
    const link = await makeLink();
    const writers = [send, isolate(), isolate()];
    const seen: string[] = [];
    let stream = await open(`?linkId=${link.id}`);
    await stream.waitForEvent('ready');
    let writing = true;
    const load = Promise.all(
      writers.map(async (writer) => {
        for (let i = 0; i < 30; i++) await writer(`/${link.slug}`);
      }),
    ).finally(() => (writing = false));
    while (writing) {
      await sleep(250);
      const lastId = stream.lastId()!;
      await stream.close();
      seen.push(...stream.clicks().map((e) => e.data.id));
      stream = await open(`?linkId=${link.id}`, { 'Last-Event-ID': lastId });
    }
    await load;
    await stream.waitForClicks(90 - seen.length, 10_000);
    await sleep(300);
    await stream.close();
    seen.push(...stream.clicks().map((e) => e.data.id));
    const rows = await db().query<{ id: string }>('select id::text from clicks where link_id = $1', [link.id]);
    expect(rows).toHaveLength(90);
    expect(seen).toHaveLength(90);
    expect(new Set(seen)).toEqual(new Set(rows.map((r) => r.id)));
  });
});
