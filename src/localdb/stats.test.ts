// The round-trip counter that benchmarks read: one per /sql request, whatever
// its outcome; WebSocket traffic and other paths are not counted.
import { neon, neonConfig } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDb, startLocalDb } from './index';

neonConfig.fetchEndpoint = (host, port) => `http://${host}:${port}/sql`;

describe('localdb stats', () => {
  let db: LocalDb;
  beforeAll(async () => {
    db = await startLocalDb({ port: 0, dataDir: null });
  }, 60_000); // PGlite starts slowly when other test files start theirs
  afterAll(() => db?.close());

  it('counts one per query, one per transaction batch, failures too; resetStats zeroes it', async () => {
    const sql = neon(db.databaseUrl);
    db.resetStats();
    expect(db.stats()).toMatchObject({ sqlRequests: 0, completed: 0 });
    await sql`select 1`;
    await sql.query('select $1::int as n', [2]);
    await sql.transaction([sql`select 1`, sql`select 2`, sql`select 3`]);
    await expect(sql`select nope`).rejects.toThrow();
    expect(db.stats()).toMatchObject({ sqlRequests: 4, completed: 4 });
    await fetch(`${db.url}/elsewhere`).then((r) => r.arrayBuffer());
    expect(db.stats().sqlRequests).toBe(4);
    db.resetStats();
    expect(db.stats()).toMatchObject({ sqlRequests: 0, completed: 0 });
  });
});
