// The conformance suite, run once per backend by conformance.test.ts: the
// real @neondatabase/serverless driver against the local server, with the
// values real Neon (node-postgres type parsing) would give.
import { neon, neonConfig, NeonDbError, type NeonQueryFunction, Pool } from '@neondatabase/serverless';
import pg from 'pg';
import ws from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalDb } from './index';

// The URL convention from index.ts: the port in the connection string is the local server's.
neonConfig.fetchEndpoint = (host, port) => `http://${host}:${port}/sql`;
neonConfig.webSocketConstructor = ws;
neonConfig.useSecureWebSocket = false;
neonConfig.pipelineConnect = false;
neonConfig.wsProxy = (host, port) => `${host}:${port}/v2?address=${host}:${port}`;

export interface SuiteContext {
  db: LocalDb;
  /** node-postgres config reaching the same database directly (no local server). */
  direct: pg.ClientConfig;
}

/** Runs sql and returns the NeonDbError it must throw. */
export async function pgError(p: Promise<unknown>): Promise<NeonDbError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NeonDbError);
  return err as NeonDbError;
}

export function conformanceSuite(start: () => Promise<SuiteContext>, extra?: (ctx: () => SuiteContext) => void): void {
  let ctx: SuiteContext;
  let sql: NeonQueryFunction<false, false>;
  const table = `lc_${process.pid}_${Date.now().toString(36)}`;

  beforeAll(async () => {
    ctx = await start();
    sql = neon(ctx.db.databaseUrl);
    await sql.query(`create table ${table} (id serial primary key, email varchar(40) unique not null, n int8)`);
  }, 60_000);

  afterAll(async () => {
    await sql?.query(`drop table if exists ${table}`);
    await ctx?.db.close();
  }, 30_000);

  it('parses every common type as node-postgres does', async () => {
    const [row] = await sql`select
      1::int2 as i2, 2::int4 as i4, 9007199254740993::int8 as i8, 1.50::numeric(5,2) as num,
      1.5::float4 as f4, 0.1::float8 as f8, true as b, false as bf, 'x'::text as t, 'v'::varchar(5) as vc,
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid as u, '2024-01-15'::date as d,
      '2024-01-15 10:30:00'::timestamp as ts, '2024-01-15 10:30:00+02'::timestamptz as tstz,
      '1 day 02:03:04'::interval as iv, '{"a":[1,2]}'::json as j, '{"b":{"c":null}}'::jsonb as jb,
      '\\x00ff10'::bytea as by, array[1,null,3]::int4[] as ai, array['a',null]::text[] as at,
      array[1,null]::int8[] as a8, null::text as nul`;
    expect(row).toEqual({
      i2: 1,
      i4: 2,
      i8: '9007199254740993',
      num: '1.50',
      f4: 1.5,
      f8: 0.1,
      b: true,
      bf: false,
      t: 'x',
      vc: 'v',
      u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      d: new Date(2024, 0, 15), // node-postgres reads a date as local midnight
      ts: new Date(2024, 0, 15, 10, 30), // and a timestamp without zone as local time
      tstz: new Date('2024-01-15T08:30:00Z'),
      iv: expect.objectContaining({ days: 1, hours: 2, minutes: 3, seconds: 4 }),
      j: { a: [1, 2] },
      jb: { b: { c: null } },
      by: Buffer.from([0, 255, 16]),
      ai: [1, null, 3],
      at: ['a', null],
      a8: ['1', null],
      nul: null,
    });
  });

  it('round-trips parameters the driver serialises (dates, bigint, bytea, arrays, objects, null)', async () => {
    const when = new Date('2023-06-01T12:34:56.789Z');
    const [row] = await sql`select ${when}::timestamptz as w, ${123456789012345678n}::int8 as big,
      ${Buffer.from('hi')}::bytea as by, ${[1, 2, null]}::int4[] as arr, ${{ k: 'v' }}::jsonb as obj,
      ${null}::text as nul, ${"it's"}::text as q`;
    expect(row).toEqual({
      w: when,
      big: '123456789012345678',
      by: Buffer.from('hi'),
      arr: [1, 2, null],
      obj: { k: 'v' },
      nul: null,
      q: "it's",
    });
  });

  it('reports field metadata exactly as a direct connection sees it', async () => {
    const text = `select id, email, n, email || '!' as e from ${table} where false`;
    const res = await sql.query(text, [], { fullResults: true });
    const client = new pg.Client(ctx.direct);
    await client.connect();
    try {
      const direct = await client.query({ text, rowMode: 'array' });
      const pick = (f: pg.FieldDef) => [
        f.name,
        f.tableID,
        f.columnID,
        f.dataTypeID,
        f.dataTypeSize,
        f.dataTypeModifier,
      ];
      expect(res.fields.map(pick)).toEqual(direct.fields.map(pick));
      expect(res.fields[1]).toMatchObject({
        name: 'email',
        dataTypeID: 1043,
        columnID: 2,
        dataTypeModifier: 44,
        format: 'text',
      });
      expect(res.fields[1]!.tableID).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });

  it('INSERT … RETURNING, rowCount and command', async () => {
    const res = await sql.query(
      `insert into ${table} (email, n) values ($1, $2), ($3, $4) returning id, email`,
      ['a@x', 1, 'b@x', 2],
      { fullResults: true },
    );
    expect(res.command).toBe('INSERT');
    expect(res.rowCount).toBe(2);
    expect(res.rows.map((r) => (r as { email: string }).email)).toEqual(['a@x', 'b@x']);
    expect(typeof (res.rows[0] as { id: unknown }).id).toBe('number');
    const upd = await sql.query(`update ${table} set n = n + 1 where email = $1`, ['a@x'], { fullResults: true });
    expect(upd).toMatchObject({ command: 'UPDATE', rowCount: 1, rows: [] });
    const ddl = await sql.query(`create index if not exists ${table}_n on ${table} (n)`, [], { fullResults: true });
    expect(ddl).toMatchObject({ command: 'CREATE', rowCount: null });
  });

  it('arrayMode and fullResults', async () => {
    expect(await sql.query('select 1 as a, $1::text as b', ['x'], { arrayMode: true })).toEqual([[1, 'x']]);
    const full = await sql.query('select 1 as a', [], { arrayMode: true, fullResults: true });
    expect(full).toMatchObject({ command: 'SELECT', rowCount: 1, rows: [[1]], rowAsArray: true });
    expect(full.fields).toEqual([
      expect.objectContaining({ name: 'a', dataTypeID: 23, dataTypeSize: 4, format: 'text' }),
    ]);
  });

  it('a transaction whose second statement fails rolls back the first', async () => {
    const err = await pgError(
      sql.transaction([sql`insert into ${sql.unsafe(table)} (email) values ('tx@x')`, sql`select 1/0`]),
    );
    expect(err.code).toBe('22012');
    expect(await sql`select count(*)::int as c from ${sql.unsafe(table)} where email = 'tx@x'`).toEqual([{ c: 0 }]);
    const ok = await sql.transaction([
      sql`insert into ${sql.unsafe(table)} (email) values ('tx2@x') returning email`,
      sql`select count(*)::int as c from ${sql.unsafe(table)} where email = 'tx2@x'`,
    ]);
    expect(ok).toEqual([[{ email: 'tx2@x' }], [{ c: 1 }]]);
  });

  it('a read-only batch rejects a write with 25006', async () => {
    const err = await pgError(
      sql.transaction([sql`insert into ${sql.unsafe(table)} (email) values ('ro@x')`], { readOnly: true }),
    );
    expect(err.code).toBe('25006');
    expect(err.message).toMatch(/read-only transaction/);
  });

  it('applies the isolation level, read-only and deferrable options', async () => {
    const q = sql`select current_setting('transaction_isolation') as iso, current_setting('transaction_read_only') as ro, current_setting('transaction_deferrable') as df`;
    expect(
      (await sql.transaction([q], { isolationLevel: 'Serializable', readOnly: true, deferrable: true }))[0],
    ).toEqual([{ iso: 'serializable', ro: 'on', df: 'on' }]);
    expect((await sql.transaction([q], { isolationLevel: 'RepeatableRead' }))[0]).toEqual([
      { iso: 'repeatable read', ro: 'off', df: 'off' },
    ]);
  });

  it('a unique violation gives 23505 with every error field', async () => {
    const err = await pgError(sql.query(`insert into ${table} (email) values ('a@x')`));
    expect(err).toMatchObject({
      code: '23505',
      severity: 'ERROR',
      constraint: `${table}_email_key`,
      table,
      schema: 'public',
      routine: '_bt_check_unique',
    });
    expect(err.detail).toBe('Key (email)=(a@x) already exists.');
    expect(err.hint).toBeUndefined(); // sent as null: absent fields are null, and the driver maps null to undefined
  });

  it('a syntax error gives its position', async () => {
    const err = await pgError(sql.query('select 1 fromm nowhere'));
    expect(err).toMatchObject({ code: '42601', position: '16' }); // 1-based offset of "nowhere"
    expect(err.message).toBe('syntax error at or near "nowhere"');
  });

  it('rejects two statements in one query, as the extended protocol does', async () => {
    const err = await pgError(sql.query('select 1; select 2'));
    expect(err).toMatchObject({ code: '42601', message: 'cannot insert multiple commands into a prepared statement' });
  });

  it('Pool and Client work over the WebSocket relay', async () => {
    const pool = new Pool({ connectionString: ctx.db.databaseUrl });
    try {
      const { rows } = await pool.query('select $1::int + 1 as x, 3::int8 as y', [41]);
      expect(rows).toEqual([{ x: 42, y: '3' }]);
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query(`insert into ${table} (email) values ('ws@x')`);
        await client.query('rollback');
      } finally {
        client.release();
      }
      expect(await sql`select count(*)::int as c from ${sql.unsafe(table)} where email = 'ws@x'`).toEqual([{ c: 0 }]);
      const e = await pool.query('select nope').catch((x: unknown) => x);
      expect(e).toMatchObject({ code: '42703' });
    } finally {
      await pool.end();
    }
  });

  it('the relay refuses addresses that are not allow-listed', async () => {
    const sock = new ws(`ws://127.0.0.1:${ctx.db.port}/v2?address=example.com:5432`);
    const status = await new Promise<number>((resolve) =>
      sock.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(403);
  });

  it('concurrent queries (HTTP and WebSocket mixed) all complete', async () => {
    const pool = new Pool({ connectionString: ctx.db.databaseUrl, max: 4 });
    try {
      const http = Array.from({ length: 40 }, (_, i) =>
        sql`select ${i}::int as i, pg_sleep(0.001)`.then((r) => r[0]!.i),
      );
      const wsq = Array.from({ length: 10 }, (_, i) =>
        pool.query('select $1::int as i', [100 + i]).then((r) => r.rows[0].i),
      );
      const batches = Array.from({ length: 5 }, (_, i) =>
        sql.transaction([sql`select ${i}::int as i`, sql`select 1`]).then((r) => r[0]![0]!.i),
      );
      expect(await Promise.all([...http, ...wsq, ...batches])).toEqual([
        ...Array.from({ length: 40 }, (_, i) => i),
        ...Array.from({ length: 10 }, (_, i) => 100 + i),
        0,
        1,
        2,
        3,
        4,
      ]);
    } finally {
      await pool.end();
    }
  });

  it('answers plain HTTP clients too: text/plain body, object rows, JSON values, 400 on bad input', async () => {
    const post = (body: string, headers: Record<string, string>) =>
      fetch(`${ctx.db.url}/sql`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'text/plain;charset=UTF-8', ...headers },
      });
    // Without Neon-Array-Mode / Neon-Raw-Text-Output: rows as objects, JSON-native values where JSON has them.
    const ok = await post(
      JSON.stringify({ query: 'select 1::int4 as i, true as b, $1::jsonb as j, 5::int8 as big', params: ['{"k":1}'] }),
      {
        'Neon-Connection-String': ctx.db.databaseUrl,
      },
    );
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      command: 'SELECT',
      rowCount: 1,
      rowAsArray: false,
      rows: [{ i: 1, b: true, j: { k: 1 }, big: '5' }],
    });
    const noConn = await post(JSON.stringify({ query: 'select 1' }), {});
    expect(noConn.status).toBe(400);
    expect(await noConn.json()).toMatchObject({ message: 'missing Neon-Connection-String header', code: null });
    const badLevel = await post(JSON.stringify({ queries: [{ query: 'select 1', params: [] }] }), {
      'Neon-Connection-String': ctx.db.databaseUrl,
      'Neon-Batch-Isolation-Level': 'Chaos',
    });
    expect(badLevel.status).toBe(400);
    const dbErr = await post(JSON.stringify({ query: 'select 1/0', params: [] }), {
      'Neon-Connection-String': ctx.db.databaseUrl,
    });
    const fields = [
      'message',
      'code',
      'detail',
      'hint',
      'position',
      'internalPosition',
      'internalQuery',
      'severity',
      'where',
      'table',
      'column',
      'schema',
      'dataType',
      'constraint',
      'file',
      'line',
      'routine',
    ];
    const errBody = (await dbErr.json()) as Record<string, unknown>;
    expect(Object.keys(errBody).sort()).toEqual([...fields].sort());
    expect(errBody).toMatchObject({
      code: '22012',
      message: 'division by zero',
      severity: 'ERROR',
      detail: null,
      constraint: null,
    });
  });

  it('simulates an outage and recovers', async () => {
    ctx.db.pauseBackend('destroy');
    expect((await pgError(sql`select 1`)).message).toMatch(/^Error connecting to database/);
    ctx.db.pauseBackend('unavailable');
    expect((await pgError(sql`select 1`)).message).toMatch(/^Server error \(HTTP status 503\)/);
    ctx.db.resumeBackend();
    expect(await sql`select 1 as one`).toEqual([{ one: 1 }]);
  });

  extra?.(() => ctx);
}
