// The fault modes seen through the real driver, run once per backend by
// faults.test.ts. A direct pg connection checks what the database itself
// holds, since the local server's /sql path is the thing being faulted.
import { neon, neonConfig, NeonDbError, type NeonQueryFunction, Pool } from '@neondatabase/serverless';
import pg from 'pg';
import ws from 'ws';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { LocalDb } from './index';

neonConfig.fetchEndpoint = (host, port) => `http://${host}:${port}/sql`;
neonConfig.webSocketConstructor = ws;
neonConfig.useSecureWebSocket = false;
neonConfig.pipelineConnect = false;
neonConfig.wsProxy = (host, port) => `${host}:${port}/v2?address=${host}:${port}`;

export interface FaultContext {
  db: LocalDb;
  /** node-postgres config reaching the same database without the local server. */
  direct: pg.ClientConfig;
  /** Another local server on the same database, to close while it holds requests. */
  another(): Promise<LocalDb>;
}

/**
 * The driver's queries are lazy (sent when awaited): this sends one now, once.
 * Its failure is awaited later, so it must not count as unhandled meanwhile.
 */
function send<T>(query: PromiseLike<T>): Promise<T> {
  const sent = Promise.resolve(query);
  sent.catch(() => {});
  return sent;
}

const withTimeout = (ms: number) => ({ fetchOptions: { signal: AbortSignal.timeout(ms) } });

/** Settles to 'pending' if p has not settled within ms: for "no answer yet" checks. */
const stillPending = (p: Promise<unknown>, ms = 50) =>
  Promise.race([
    p.then(
      () => 'answered',
      () => 'failed',
    ),
    new Promise((r) => setTimeout(() => r('pending'), ms)),
  ]);

async function rejection(p: Promise<unknown>): Promise<NeonDbError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NeonDbError);
  return err as NeonDbError;
}

export function faultSuite(start: () => Promise<FaultContext>, extra?: (ctx: () => FaultContext) => void): void {
  let ctx: FaultContext;
  let db: LocalDb;
  let sql: NeonQueryFunction<false, false>;
  let direct: pg.Client;
  const table = `lf_${process.pid}_${Date.now().toString(36)}`;

  const insert = (id: number, v: string, timeoutMs = 5000) =>
    send(sql.query(`insert into ${table} (id, v) values ($1, $2)`, [id, v], withTimeout(timeoutMs)));
  /** The row as the database has it, bypassing the faulted /sql path. */
  const stored = async (id: number) =>
    (await direct.query(`select v from ${table} where id = $1`, [id])).rows as Array<{ v: string }>;

  beforeAll(async () => {
    ctx = await start();
    db = ctx.db;
    sql = neon(db.databaseUrl);
    direct = new pg.Client(ctx.direct);
    await direct.connect();
    await sql.query(`create table ${table} (id int primary key, v text)`);
  }, 60_000); // PGlite starts slowly when other test files start theirs

  afterEach(async () => {
    db.clearFault();
    await db.waitForStats((s) => s.held + s.delayed + s.running + s.heldReplies === 0);
  });

  afterAll(async () => {
    await sql.query(`drop table if exists ${table}`).catch(() => {});
    await direct?.end();
    await db?.close();
  });

  it('freeze: a write whose client timed out is held, then commits when the freeze ends', async () => {
    const { completed } = db.stats();
    db.setFault({ mode: 'freeze' });
    const started = Date.now();
    const write = insert(1, 'late', 300);
    await db.waitForStats((s) => s.held === 1);
    const err = await rejection(write);
    expect(err.message).toMatch(/^Error connecting to database: TimeoutError/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(await stored(1)).toEqual([]); // received, not run
    expect(db.stats()).toMatchObject({ held: 1, completed });

    db.clearFault();
    await db.waitForStats((s) => s.completed === completed + 1);
    expect(await sql.query(`select v from ${table} where id = 1`)).toEqual([{ v: 'late' }]);
  });

  it('freeze: later requests queue behind and run in arrival order on resume', async () => {
    db.setFault({ mode: 'freeze' });
    const first = insert(2, 'first');
    await db.waitForStats((s) => s.held === 1);
    const second = send(sql.query(`update ${table} set v = 'second' where id = 2 returning v`));
    await db.waitForStats((s) => s.held === 2);
    const third = send(sql.query(`select v from ${table} where id = 2`));
    await db.waitForStats((s) => s.held === 3);
    expect(await stillPending(first)).toBe('pending');

    db.clearFault();
    expect(await first).toEqual([]);
    expect(await second).toEqual([{ v: 'second' }]); // the insert ran first
    expect(await third).toEqual([{ v: 'second' }]);
  });

  /** An insert that takes `seconds` on the database, so a test can act while it runs. */
  const slowInsert = (id: number, v: string, seconds: number) =>
    send(
      sql.query(
        `insert into ${table} (id, v) select $1, $2 from pg_sleep($3) returning v`,
        [id, v, seconds],
        withTimeout(5000),
      ),
    );

  it('freeze: a request already running commits, but its answer waits for the resume', async () => {
    const running = slowInsert(3, 'in flight', 0.3);
    await db.waitForStats((s) => s.running === 1);
    db.setFault({ mode: 'freeze' });
    await db.waitForStats((s) => s.heldReplies === 1);
    expect(await stored(3)).toEqual([{ v: 'in flight' }]); // committed on the database
    expect(await stillPending(running)).toBe('pending');

    db.clearFault();
    expect(await running).toEqual([{ v: 'in flight' }]);
  });

  it('destroy leaves a request already running alone: it commits and answers', async () => {
    const running = slowInsert(5, 'answered', 0.2);
    await db.waitForStats((s) => s.running === 1);
    db.setFault({ mode: 'destroy' });
    expect(await running).toEqual([{ v: 'answered' }]);
  });

  it('freeze: WebSocket traffic is held both ways and flows again on resume', async () => {
    const pool = new Pool({ connectionString: db.databaseUrl });
    try {
      expect((await pool.query('select 1 as n')).rows).toEqual([{ n: 1 }]);
      db.setFault({ mode: 'freeze' });
      const held = pool.query('select 2 as n');
      expect(await stillPending(held, 100)).toBe('pending');
      db.clearFault();
      expect((await held).rows).toEqual([{ n: 2 }]);
    } finally {
      await pool.end();
    }
  });

  it('freeze then destroy: a crash loses the held requests, they never run', async () => {
    db.setFault({ mode: 'freeze' });
    const lost = insert(6, 'lost');
    await db.waitForStats((s) => s.held === 1);
    db.setFault({ mode: 'destroy' });
    expect((await rejection(lost)).message).toMatch(/^Error connecting to database/);
    db.clearFault();
    expect(await stored(6)).toEqual([]);
  });

  it('slow past the timeout: the client gives up, the statement still runs and commits', async () => {
    const { completed } = db.stats();
    db.setFault({ mode: 'slow', delayMs: 700 });
    const write = insert(4, 'slow', 300);
    await db.waitForStats((s) => s.delayed === 1);
    expect((await rejection(write)).message).toMatch(/^Error connecting to database: TimeoutError/);
    expect(db.stats()).toMatchObject({ delayed: 1, completed });

    await db.waitForStats((s) => s.completed === completed + 1);
    expect(await stored(4)).toEqual([{ v: 'slow' }]);
  });

  it('slow below the timeout: each answer arrives at least delayMs late, requests still overlap', async () => {
    db.setFault({ mode: 'slow', delayMs: 200 });
    const started = Date.now();
    expect(await sql.query('select 1 as one', [], withTimeout(2000))).toEqual([{ one: 1 }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(199);

    const again = Date.now();
    await Promise.all([1, 2, 3].map((n) => sql.query('select $1::int as n', [n], withTimeout(2000))));
    expect(Date.now() - again).toBeLessThan(3 * 200); // delayed side by side, not one after another
  });

  it('clearFault restores normal service after every mode', async () => {
    const modes = [
      { mode: 'destroy' },
      { mode: 'unavailable' },
      { mode: 'freeze' },
      { mode: 'slow', delayMs: 5000 },
    ] as const;
    for (const fault of modes) {
      db.setFault(fault);
      expect(db.fault()).toEqual(fault);
      db.clearFault();
      expect(db.fault()).toBeNull();
      const started = Date.now();
      expect(await sql`select 1 as one`).toEqual([{ one: 1 }]);
      expect(Date.now() - started).toBeLessThan(1000);
    }
    db.pauseBackend('unavailable');
    expect((await rejection(sql`select 1`)).message).toMatch(/^Server error \(HTTP status 503\)/);
    db.resumeBackend();
    expect(await sql`select 1 as one`).toEqual([{ one: 1 }]);
  });

  it('counts what is held and what completed; waitForStats times out with the counts', async () => {
    db.resetStats();
    expect(db.stats()).toEqual({
      sqlRequests: 0,
      held: 0,
      delayed: 0,
      running: 0,
      heldReplies: 0,
      completed: 0,
      storeRequests: 0,
      storeCommands: 0,
    });
    db.setFault({ mode: 'freeze' });
    const queries = [1, 2, 3].map((n) => send(sql.query('select $1::int as n', [n])));
    expect(await db.waitForStats((s) => s.held === 3)).toMatchObject({ sqlRequests: 3, held: 3, completed: 0 });
    await expect(db.waitForStats((s) => s.completed === 3, 50)).rejects.toThrow(
      /condition not met within 50 ms: .*"held":3/,
    );
    db.clearFault();
    await Promise.all(queries);
    expect(db.stats()).toMatchObject({ sqlRequests: 3, held: 0, completed: 3 });
  });

  it('close() with held and delayed requests returns promptly and runs none of them', async () => {
    const other = await ctx.another();
    const otherSql = neon(other.databaseUrl);
    await otherSql`select 1`;
    other.setFault({ mode: 'slow', delayMs: 30_000 });
    const delayed = send(otherSql`select 'delayed'`);
    await other.waitForStats((s) => s.delayed === 1);
    other.setFault({ mode: 'freeze' });
    const held = send(otherSql`select 'held'`);
    await other.waitForStats((s) => s.held === 1);

    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(other.stats()).toMatchObject({ held: 0, delayed: 0, completed: 1 });
    expect((await rejection(delayed)).message).toMatch(/^Error connecting to database/);
    expect((await rejection(held)).message).toMatch(/^Error connecting to database/);
  });

  extra?.(() => ctx);
}
