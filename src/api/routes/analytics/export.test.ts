import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, jsonBody } from '@/test/support/accounts';
import { useLocalApp } from '@/test/support/local-app';
import { expectProblem } from '@/test/support/problem';
import { csvCell } from './click-rows';
import { EXPORT_PAGE } from './click-export';

// Node-only: the export at a size that takes many pages, a client that goes
// away halfway, and a database that is down before the first byte.

const app = useLocalApp();
const ROWS = 6 * EXPORT_PAGE + 123;
let linkId: string;
const FROM = '2026-01-01T00:00:00Z';
const TO = '2026-02-01T00:00:00Z';

beforeAll(async () => {
  const res = await app.send('/api/v1/links', jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/export' }));
  linkId = (await res.json()).id;
  // One click a minute from FROM; every seventh from a referrer that looks like a formula.
  await app.db().query(
    `insert into clicks (link_id, at, country, referrer_host, browser, is_bot)
     select $1, timestamptz '${FROM}' + make_interval(mins => n), 'DE',
       case when n % 7 = 0 then '=HYPERLINK("x")' end, 'Chrome', false
     from generate_series(0, $2 - 1) n`,
    [linkId, ROWS],
  );
});

const exportUrl = (format = 'csv') => `/api/v1/clicks/export?linkId=${linkId}&from=${FROM}&to=${TO}&format=${format}`;

describe('the click export', () => {
  it('streams every row once, oldest first, across many pages', async () => {
    const res = await app.send(exportUrl('ndjson'), { headers: bearer(ADMIN_KEY) });
    expect(res.status).toBe(200);
    const rows = (await res.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; at: string });
    expect(rows).toHaveLength(ROWS);
    const ids = rows.map((row) => Number(row.id));
    expect(new Set(ids).size).toBe(ROWS);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(rows[0]!.at).toBe('2026-01-01T00:00:00.000000Z');
  });

  it('quotes and neutralises CSV cells', async () => {
    const text = await (await app.send(exportUrl(), { headers: bearer(ADMIN_KEY) })).text();
    expect(text.split('\r\n')).toHaveLength(ROWS + 2);
    expect(text).toContain(`,"'=HYPERLINK(""x"")",Chrome,`);
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-1+1')).toBe("'-1+1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe(`"'\rx"`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('Zürich')).toBe('Zürich');
    expect(csvCell(null)).toBe('');
    expect(csvCell(false)).toBe('false');
  });

  it('stops querying when the client goes away', async () => {
    app.server().resetStats();
    const res = await app.send(exportUrl(), { headers: bearer(ADMIN_KEY) });
    const reader = res.body!.getReader();
    await reader.read(); // the header row
    await reader.read(); // the first page
    await reader.cancel();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = app.server().stats().completed;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(app.server().stats().completed).toBe(after);
    // Auth, the first page and at most one page ahead; not the seven pages there are.
    expect(after).toBeLessThanOrEqual(4);
  });

  it('answers 503 before the first byte when the database is down', async () => {
    app.server().setFault({ mode: 'unavailable' });
    try {
      const other = app.isolate(); // a key this isolate has not verified: the database is needed from the start
      await expectProblem(await other(exportUrl(), { headers: bearer(ADMIN_KEY) }), 503);
    } finally {
      app.server().clearFault();
    }
  });
});
