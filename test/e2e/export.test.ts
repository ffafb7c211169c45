import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../src/api/db/client';
import { ADMIN_KEY, bearer, jsonBody } from '../support/accounts';

// The click export on a real `next start`, `wrangler dev` and `npm run
// serve`: streamed whole, and a client that goes away halfway (the server
// carries on serving). Whether it stops querying is asserted in
// src/api/routes/analytics/export.test.ts, where the database is the test's own.
const servers = inject('servers');
const ROWS = 30_000;
const FROM = '2025-03-01T00:00:00Z';
const TO = '2025-04-01T00:00:00Z';

describe.each(Object.entries(servers))('e2e click export: %s', (_, base) => {
  let linkId: string;
  beforeAll(async () => {
    const res = await fetch(`${base}/api/v1/links`, jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/export' }));
    linkId = ((await res.json()) as { id: string }).id;
    // Written straight into the shared database: a redirect per click would take minutes.
    await createDb(inject('databaseUrl'), 30_000).query(
      `insert into clicks (link_id, at, country, referrer_host, browser, is_bot)
       select $1, timestamptz '${FROM}' + make_interval(secs => n), 'DE', '=cmd.example', 'Chrome', false
       from generate_series(0, $2 - 1) n`,
      [linkId, ROWS],
    );
  });
  const url = (format: string) =>
    `${base}/api/v1/clicks/export?linkId=${linkId}&from=${FROM}&to=${TO}&format=${format}`;

  it('streams every row as CSV, with its file name, starting at once', async () => {
    const started = performance.now();
    const res = await fetch(url('csv'), { headers: bearer(ADMIN_KEY) });
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="hop-clicks-20250301T000000Z-20250401T000000Z.csv"',
    );
    const lines = (await res.text()).split('\r\n');
    expect(lines[0]).toBe('id,linkId,at,country,region,city,referrer,browser,os,device,isBot');
    expect(lines).toHaveLength(ROWS + 2);
    expect(lines[1]).toMatch(/^\d+,[0-9a-f-]{36},2025-03-01T00:00:00\.000000Z,DE,,,'=cmd\.example,Chrome,,,false$/);
  });

  it('survives a client that disconnects halfway, and streams again after', async () => {
    const abort = new AbortController();
    const res = await fetch(url('ndjson'), { headers: bearer(ADMIN_KEY), signal: abort.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let bytes = 0;
    while (bytes < 500_000) {
      const { done, value } = await reader.read();
      if (done) throw new Error('the export ended before the client left');
      bytes += value.length;
    }
    abort.abort();
    await reader.cancel().catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 500));
    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
    const again = await fetch(url('ndjson'), { headers: bearer(ADMIN_KEY) });
    const rows = (await again.text()).trim().split('\n');
    expect(rows).toHaveLength(ROWS);
    expect(JSON.parse(rows.at(-1)!)).toMatchObject({ at: '2025-03-01T08:19:59.000000Z', referrer: '=cmd.example' });
  });
});
