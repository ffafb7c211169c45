// Overhead of the local Neon server: N one-shot `select 1` queries through
// driver → local server → backend, beside a direct `pg` query to the same
// PostgreSQL in the same run. Loopback only; about 10 s.
//   BENCH_DATABASE_URL (or TEST_DATABASE_URL): PostgreSQL to use, default postgres://postgres@127.0.0.1:5432/postgres
//   BENCH_N: queries per path (default 500)
import { neon, neonConfig, Pool } from '@neondatabase/serverless';
import pg from 'pg';
import ws from 'ws';
import { startLocalDb } from '../src/localdb/index';

const N = Number(process.env.BENCH_N ?? 500);
const WARMUP = 50;
const pgUrl =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

neonConfig.fetchEndpoint = (host, port) => `http://${host}:${port}/sql`;
neonConfig.webSocketConstructor = ws;
neonConfig.useSecureWebSocket = false;
neonConfig.pipelineConnect = false;
neonConfig.wsProxy = (host, port) => `${host}:${port}/v2?address=${host}:${port}`;

interface Stats {
  median: number;
  p99: number;
}

/** Runs the paths in turn, one query each per round, so they share the same machine noise. */
async function measure(paths: Array<() => Promise<unknown>>): Promise<Stats[]> {
  for (let i = 0; i < WARMUP; i++) for (const run of paths) await run();
  const times: number[][] = paths.map(() => []);
  for (let i = 0; i < N; i++) {
    for (let p = 0; p < paths.length; p++) {
      const t = performance.now();
      await paths[p]!();
      times[p]!.push(performance.now() - t);
    }
  }
  return times.map((ts) => {
    ts.sort((a, b) => a - b);
    const at = (q: number) => ts[Math.min(ts.length - 1, Math.floor(q * ts.length))]!;
    return { median: at(0.5), p99: at(0.99) };
  });
}

const rows: Array<[string, Stats]> = [];
const fmt = (n: number) => n.toFixed(3).padStart(8);

function report(): void {
  const base = rows.find(([name]) => name.startsWith('direct'))?.[1];
  console.log(
    `\n${N} sequential one-shot queries per path (after ${WARMUP} warm-up; PostgreSQL paths interleaved), milliseconds`,
  );
  console.log(`${'path'.padEnd(44)}  median       p99   overhead   ratio`);
  for (const [name, s] of rows) {
    const extra =
      base && s !== base ? `${fmt(s.median - base.median)}  ${(s.median / base.median).toFixed(1).padStart(5)}x` : '';
    console.log(`${name.padEnd(44)}${fmt(s.median)}  ${fmt(s.p99)}  ${extra}`);
  }
}

const isLoopback = (host: string) => ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);

async function benchPostgres(): Promise<void> {
  if (!isLoopback(new URL(pgUrl).hostname))
    throw new Error(`refusing to benchmark a non-loopback database: ${new URL(pgUrl).hostname}`);
  const direct = new pg.Pool({ connectionString: pgUrl, max: 1 });
  try {
    await direct.query('select 1');
  } catch (err) {
    console.warn(`PostgreSQL at ${pgUrl} unreachable (${(err as Error).message}); only the PGlite path runs.`);
    await direct.end();
    return;
  }
  const db = await startLocalDb({ port: 0, backend: pgUrl });
  try {
    const sql = neon(db.databaseUrl);
    const pool = new Pool({ connectionString: db.databaseUrl, max: 1 });
    const [d, h, w] = await measure([
      () => direct.query('select 1'),
      () => sql`select 1`,
      () => pool.query('select 1'),
    ]);
    rows.push(
      ['direct pg → PostgreSQL', d!],
      ['neon() → local server → PostgreSQL', h!],
      ['WS Pool → relay → PostgreSQL', w!],
    );
    // The driver delays each WebSocket write by a timer tick to coalesce them (about 1 ms locally).
    neonConfig.coalesceWrites = false;
    rows.push(['  same, neonConfig.coalesceWrites = false', (await measure([() => pool.query('select 1')]))[0]!]);
    neonConfig.coalesceWrites = true;
    await pool.end();
  } finally {
    await db.close();
    await direct.end();
  }
}

async function benchPglite(): Promise<void> {
  const db = await startLocalDb({ port: 0, dataDir: null });
  try {
    const sql = neon(db.databaseUrl);
    rows.push(['neon() → local server → PGlite (memory)', (await measure([() => sql`select 1`]))[0]!]);
  } finally {
    await db.close();
  }
}

await benchPostgres();
await benchPglite();
report();
const base = rows.find(([n]) => n.startsWith('direct'))?.[1];
const local = rows.find(([n]) => n === 'neon() → local server → PostgreSQL')?.[1];
if (base && local) {
  const overhead = local.median - base.median;
  console.log(
    `\nlocal-server overhead with PostgreSQL: ${overhead.toFixed(3)} ms median (target < 1.5 ms): ${overhead < 1.5 ? 'OK' : 'OVER TARGET'}`,
  );
}
