// `npm run bench`: the benchmarks, each beside its baseline, in one run.
//   1. Redirect throughput (GET /{slug}, cached) through `next start` and
//      `wrangler dev`, against a constant-302 route on the same runtime.
//   2. The Node server mode (`npm run serve`) against a bare Node 302 server,
//      a plain Express app and `next start`; its cold start and memory.
//   3. Database round trips per request, counted at the local server.
//   4. The rate limiter's cost: an authenticated GET through `next start`
//      without limits, with limits counted in memory, and (with REDIS_URL)
//      counted in Redis through the local server's Upstash front; and the
//      store's round trips per request.
//   5. Analytics on PostgreSQL (scripts/bench-analytics.ts; needs
//      BENCH_DATABASE_URL or TEST_DATABASE_URL): aggregates vs raw scans,
//      the click write's cost, and a 1M-row export through `next start`.
//   6. Webhooks: a link create with 0 and with 3 subscribed endpoints (round
//      trips on the critical path stay 1; the ratio of their latencies).
//   7. The live click feed: database round trips per second with 1, 10 and
//      100 open streams, and click→event latency (bench/feed.ts).
// Loopback only; about 3–4 minutes, most of it two `next build`s.
//   BENCH_ROUNDS (3), BENCH_SECONDS (4), BENCH_CONNECTIONS (50)
import { randomUUID } from 'node:crypto';
import { sideBySide, type Summary } from '../bench/load';
import { feedBench } from '../bench/feed';
import { countTrips, inProcessClient, type Count } from '../bench/round-trips';
import { readFileSync } from 'node:fs';
import {
  nextBuild,
  ready,
  serverBuild,
  snapshotApp,
  startNext,
  startScript,
  startServe,
  startWrangler,
  type Server,
} from '../bench/servers';
import { startLocalDb, type LocalDb } from '../src/localdb';
import { storeEnv } from '../test/support/store';
import { benchAnalytics } from './bench-analytics';
import { migrateUrl } from './db-migrate';
import { webhookCost } from '../bench/webhooks';

const load = {
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  seconds: Number(process.env.BENCH_SECONDS ?? 4),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
};
const TARGET_RATIO = 0.9;
const KEY = `hop_bench_${randomUUID().replaceAll('-', '')}`;
const SLUG = 'bench-redirect';

const pad = (v: unknown, n: number) => String(v).padStart(n);
const fixed = (n: number, d = 2) => n.toFixed(d);
const log = (line = '') => process.stdout.write(`${line}\n`);
const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});
const auth: RequestInit = { headers: { Authorization: `Bearer ${KEY}` } };

/** The last summary is the app; every other one is a baseline it is compared with. */
function throughputTable(runtime: string, runs: Summary[]): void {
  log(
    `\n${runtime}: GET /{slug}, ${load.rounds} rounds × ${load.seconds} s per server, ${load.connections} connections, interleaved`,
  );
  tableRows(runs);
  const app = runs.at(-1)!;
  for (const base of runs.slice(0, -1)) {
    const ratio = app.rps / base.rps;
    const verdict = ratio >= TARGET_RATIO ? 'OK' : `MISSED by ${fixed((TARGET_RATIO - ratio) * 100, 0)} points`;
    log(
      `app / ${base.name}: ${fixed(ratio)} req/s (target ≥ ${TARGET_RATIO}: ${verdict}), ${fixed(app.serverCpu / base.serverCpu)}× server CPU per request`,
    );
  }
}

/** Resident memory of a process, from /proc (NaN where there is none). */
function rssMb(pid: number | undefined): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** The Node server mode's targets (issue: the fastest self-hosted redirects). */
function serveTable(runs: Summary[], serve: Server): void {
  const [bare, express, next, mode] = runs as [Summary, Summary, Summary, Summary];
  log(
    `\nNode server mode: GET /{slug}, ${load.rounds} rounds × ${load.seconds} s per server, ${load.connections} connections, interleaved`,
  );
  tableRows(runs);
  const check = (label: string, value: number, ok: boolean, target: string) =>
    log(`${label}: ${fixed(value)} (target ${target}: ${ok ? 'OK' : 'MISSED'})`);
  check('serve / bare Node 302', mode.rps / bare.rps, mode.rps / bare.rps >= 0.3, '≥ 0.3');
  check('serve / next start', mode.rps / next.rps, mode.rps / next.rps >= 8, '≥ 8');
  check('serve / Express', mode.rps / express.rps, mode.rps > express.rps, '> 1');
  check('serve p99 / next start p99', mode.p99 / next.p99, mode.p99 < next.p99, '< 1');
  const rss = rssMb(serve.process.child.pid);
  log(`serve RSS after the load: ${fixed(rss, 0)} MB (target ≤ 150: ${rss <= 150 ? 'OK' : 'MISSED'})`);
}

function tableRows(runs: Summary[], okLabel = '3xx'): void {
  log(
    `${'server'.padEnd(34)}${pad('req/s', 7)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}${pad(okLabel, 8)}${pad('errors', 7)}${pad('server CPU', 12)}${pad('bench CPU', 11)}${pad('db trips', 10)}   rounds req/s`,
  );
  for (const s of runs) {
    const rounds = s.rounds.map((r) => r.rps.toFixed(0)).join(' / ');
    const cpu = (us: number) => pad(`${us.toFixed(0)} µs`, 10);
    log(
      `${s.name.padEnd(34)}${pad(s.rps.toFixed(0), 7)}${pad(s.p50, 8)}${pad(s.p99, 8)}${pad(s.ok, 8)}${pad(s.errors, 7)}  ${cpu(s.serverCpu)} ${cpu(s.benchCpu)}${pad(Number.isNaN(s.trips) ? '' : fixed(s.trips, 3), 10)}   ${rounds}`,
    );
  }
}

/** Milliseconds from spawning `npm run serve`'s bundle to its first redirect, the database already up. */
async function coldStart(env: Record<string, string>, dir: string): Promise<number> {
  const started = performance.now();
  const server = await startServe('serve, cold', env, dir);
  try {
    for (;;) {
      try {
        const res = await fetch(`${server.url}/${SLUG}`, { redirect: 'manual', signal: AbortSignal.timeout(1_000) });
        if (res.status === 302) return performance.now() - started;
      } catch {
        // not listening yet
      }
      if (server.process.child.exitCode !== null) throw new Error(`serve exited:\n${server.process.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    await server.process.stop();
  }
}

/** The first summary is the app without limits; the others pay for them. */
function limiterTable(runs: Summary[]): void {
  log(
    `\nnext start: GET /api/v1/links/{id} (authenticated), ${load.rounds} rounds × ${load.seconds} s per server, ${load.connections} connections, interleaved`,
  );
  tableRows(runs, '2xx');
  const [off, ...limited] = runs;
  for (const s of limited) {
    log(
      `${s.name} / ${off!.name}: ${fixed(s.rps / off!.rps)} req/s, p50 ${s.p50} vs ${off!.p50} ms, ` +
        `${fixed(s.serverCpu - off!.serverCpu, 0)} µs more server CPU per request`,
    );
  }
}

function tripsTable(title: string, rows: Array<Count & { target?: number }>): void {
  log(`\n${title}`);
  log(
    `${'case'.padEnd(46)}${pad('reqs', 6)}${pad('critical', 10)}${pad('backgr.', 9)}${pad('total', 8)}${pad('server', 8)}  target (critical)`,
  );
  for (const r of rows) {
    const per = (n: number) => pad(fixed(n / r.requests), 8);
    const target =
      r.target === undefined ? '' : `≤ ${r.target}: ${r.critical / r.requests <= r.target ? 'OK' : 'OVER'}`;
    log(
      `${r.name.padEnd(46)}${pad(r.requests, 6)}  ${per(r.critical)} ${per(r.background)}${per(r.critical + r.background)}${per(r.server)}  ${target}`,
    );
  }
}

async function inProcessTrips(db: LocalDb, env: Record<string, string>): Promise<void> {
  const app = inProcessClient(env);
  const slugs: string[] = [];
  const ids: string[] = [];
  const create = async (slug: string) => {
    const res = await app.send('/api/v1/links', json({ url: `https://example.com/${slug}`, slug }));
    ids.push(((await res.clone().json()) as { id: string }).id);
    slugs.push(slug);
    return res;
  };
  const rows: Array<Count & { target?: number }> = [
    await countTrips(db, app, 'POST /api/v1/links, first use of the key', 1, 1, () => create('rt-first')),
    {
      ...(await countTrips(db, app, 'POST /api/v1/links (key cached)', 20, 1, (i) => create(`rt-seq-${i}`))),
      target: 1,
    },
    // Fresh links were never looked up: each first GET is a cache miss.
    {
      ...(await countTrips(db, app, 'GET /{slug}, miss (first lookup)', 20, 1, (i) => app.send(`/rt-seq-${i}`))),
      target: 1,
    },
    { ...(await countTrips(db, app, 'GET /{slug}, hit (cached)', 20, 1, (i) => app.send(`/rt-seq-${i}`))), target: 0 },
    {
      ...(await countTrips(db, app, 'GET /api/v1/links/{id} (key cached)', 20, 1, (i) =>
        app.send(`/api/v1/links/${ids[i + 1]}`, auth),
      )),
      target: 1,
    },
  ];
  const amortised = [
    {
      ...(await countTrips(db, app, 'GET /{slug}, hit (cached)', 200, 20, (i) => app.send(`/${slugs[1 + (i % 20)]}`))),
      target: 0,
    },
    {
      ...(await countTrips(db, app, 'GET /api/v1/links/{id} (key cached)', 200, 20, (i) =>
        app.send(`/api/v1/links/${ids[1 + (i % 20)]}`, auth),
      )),
      target: 1,
    },
    {
      ...(await countTrips(db, app, 'POST /api/v1/links (key cached)', 200, 20, (i) => create(`rt-par-${i}`))),
      target: 1,
    },
  ];
  tripsTable(
    'Database round trips per request, in process (createApp().fetch), one request at a time; per request:',
    rows,
  );
  tripsTable('Same, amortised: concurrency 20 (clicks batch across requests); per request:', amortised);
  log(
    'critical = started before the response was returned; backgr. = started after (waitUntil: click batches, key last_used);',
  );
  log("server = the local server's /sql counter, the ground truth for the total.");
}

/**
 * Counter deltas over `count` sequential requests to a real server, one at a
 * time: read when the response arrives (critical), then again once after()
 * work has gone quiet (background).
 */
async function serverTrips(
  db: LocalDb,
  name: string,
  count: number,
  request: (i: number) => Promise<Response>,
): Promise<Count> {
  let critical = 0;
  let background = 0;
  for (let i = 0; i < count; i++) {
    await quiet(db);
    db.resetStats();
    const res = await request(i);
    await res.arrayBuffer();
    if (res.status >= 400) throw new Error(`${name}: answered ${res.status}`);
    const before = db.stats().sqlRequests;
    await quiet(db);
    critical += before;
    background += db.stats().sqlRequests - before;
  }
  return { name, requests: count, critical, background, server: critical + background };
}

/** Waits until no round trip has reached the server for 60 ms (click batches wait 20 ms, then write). */
async function quiet(db: LocalDb): Promise<void> {
  for (let last = -1; db.stats().sqlRequests !== last;) {
    last = db.stats().sqlRequests;
    await new Promise((r) => setTimeout(r, 60));
  }
}

/** Store round trips per request (the local server's Upstash counter), in process, one request at a time. */
async function storeTrips(db: LocalDb, env: Record<string, string>): Promise<void> {
  const app = inProcessClient({ ...env, RATE_LIMIT_QR_PER_MIN: '3', TRUSTED_PROXIES: '1' });
  const link = (await (
    await app.send('/api/v1/links', json({ url: 'https://example.com/s', slug: 'st-1' }))
  ).json()) as {
    id: string;
  };
  await app.send(`/api/v1/links/${link.id}`, auth); // the key is cached from here on
  const from = (address: string): RequestInit => ({ headers: { 'X-Forwarded-For': address } });
  const report = (address: string): RequestInit => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address },
    body: JSON.stringify({ link: 'st-1', reason: 'spam' }),
  });
  const cases: [string, (i: number) => Promise<Response>][] = [
    ['GET /api/v1/links/{id} (key + failed-auth quotas)', () => app.send(`/api/v1/links/${link.id}`, auth)],
    ['GET /api/v1/qr (qr quota)', (i) => app.send('/api/v1/qr?url=https://e.com', from(`198.51.100.${i}`))],
    ['POST /api/v1/reports (two quotas)', (i) => app.send('/api/v1/reports', report(`203.0.113.${i}`))],
    [
      'GET /api/v1/me with an unknown key (failed-auth)',
      () => app.send('/api/v1/me', { headers: { Authorization: `Bearer hop_${'z'.repeat(40)}` } }),
    ],
  ];
  log('\nStore round trips per request (in process, the Upstash store through the local server), one at a time:');
  log(`${'case'.padEnd(52)}${pad('reqs', 6)}${pad('trips', 8)}${pad('commands', 10)}${pad('db trips', 10)}`);
  for (const [name, request] of cases) {
    await app.settle();
    db.resetStats();
    for (let i = 0; i < 10; i++) await request(i);
    await app.settle();
    const { storeRequests, storeCommands, sqlRequests } = db.stats();
    log(
      `${name.padEnd(52)}${pad(10, 6)}${pad(fixed(storeRequests / 10), 8)}${pad(fixed(storeCommands / 10), 10)}${pad(fixed(sqlRequests / 10), 10)}`,
    );
  }
  const flood = from('192.0.2.77');
  for (let i = 0; i < 4; i++) await app.send('/api/v1/qr?url=https://e.com', flood); // the fourth learns it is over
  db.resetStats();
  for (let i = 0; i < 10; i++) await app.send('/api/v1/qr?url=https://e.com', flood);
  log(
    `${'GET /api/v1/qr, known over the quota here (429)'.padEnd(52)}${pad(10, 6)}${pad(fixed(db.stats().storeRequests / 10), 8)}`,
  );
}

async function nextTrips(db: LocalDb, next: Server): Promise<void> {
  const ids: string[] = [];
  const post = async (i: number) => {
    const res = await fetch(`${next.url}/api/v1/links`, json({ url: 'https://example.com/n', slug: `next-${i}` }));
    ids.push(((await res.clone().json()) as { id: string }).id);
    return res;
  };
  const get = (path: string, init?: RequestInit) => fetch(`${next.url}${path}`, { ...init, redirect: 'manual' });
  const rows = [
    await serverTrips(db, 'GET /api/v1/links, first use of the key', 1, () => get('/api/v1/links?limit=1', auth)),
    { ...(await serverTrips(db, 'POST /api/v1/links (key cached)', 20, post)), target: 1 },
    { ...(await serverTrips(db, 'GET /{slug}, miss (first lookup)', 20, (i) => get(`/next-${i}`))), target: 1 },
    { ...(await serverTrips(db, 'GET /{slug}, hit (cached)', 20, (i) => get(`/next-${i}`))), target: 0 },
    {
      ...(await serverTrips(db, 'GET /api/v1/links/{id} (key cached)', 20, (i) =>
        get(`/api/v1/links/${ids[i]}`, auth),
      )),
      target: 1,
    },
  ];
  tripsTable(
    'Database round trips per request through `next start`, counter deltas, one request at a time; per request:',
    rows,
  );
  log(
    'critical = counted when the response arrived; backgr. = counted after it, until quiet (after(): click batches, key last_used).',
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  const servers: Server[] = [];
  const db = await startLocalDb({ dataDir: null, redisUrl: process.env.REDIS_URL || null });
  try {
    await migrateUrl(db.databaseUrl);
    // LOG_LEVEL=warn: a JSON line per request into a pipe would measure the harness, not the app.
    const env = { DATABASE_URL: db.databaseUrl, INITIAL_API_KEY: KEY, LOG_LEVEL: 'warn', LINK_CACHE_TTL_MS: '60000' };
    // The limiter benchmark: a quota no run reaches, so every request pays its store round trip.
    const store = storeEnv(db, `hop-bench-${randomUUID()}`);
    const limits = { RATE_LIMIT_KEY_PER_MIN: '1000000' };
    if (!db.upstash) log('REDIS_URL is not set: the limiter is measured in memory only, not in a store');

    // Workers need no build: start them while Next builds.
    const workerBase = await startWrangler('bare worker, constant 302', {}, 'bench/wrangler.baseline.toml');
    // The app's wrangler.toml serves public/ as assets: in wrangler dev that puts a router worker in front.
    const workerAssets = await startWrangler("same + the app's [assets]", {}, 'bench/wrangler.baseline-assets.toml');
    const workerApp = await startWrangler('app worker, GET /{slug}', env);
    servers.push(workerBase, workerAssets, workerApp);
    const appDir = snapshotApp();
    log(`building the app (next build ${appDir}) and the baseline (next build bench/next-baseline)…`);
    await nextBuild(appDir);
    await nextBuild('bench/next-baseline');
    await serverBuild();
    const nextBase = await startNext('edge route, constant 302', {}, 'bench/next-baseline');
    const nextApp = await startNext('app, GET /{slug}', env, appDir);
    const bare = await startScript('bare Node http, constant 302', 'bench/bare-302.mjs');
    const express = await startScript('Express, in-memory map', 'bench/express-baseline.mjs', { SLUG });
    const serve = await startServe('npm run serve, GET /{slug}', env, appDir);
    const nextNoLimits = await startNext('app, limits off', { ...env, RATE_LIMITS: 'false' }, appDir);
    const nextMemory = await startNext('app, limits in memory', { ...env, ...limits }, appDir);
    const nextStore = db.upstash
      ? await startNext('app, limits in Redis', { ...env, ...limits, ...store }, appDir)
      : null;
    servers.push(nextBase, nextApp, bare, express, serve, nextNoLimits, nextMemory, ...(nextStore ? [nextStore] : []));
    await Promise.all([
      ready(nextNoLimits, '/api/health'),
      ready(nextMemory, '/api/health'),
      ...(nextStore ? [ready(nextStore, '/api/health')] : []),
      ready(bare, '/x-ready'),
      ready(express, '/x-ready'),
      ready(serve, '/api/health'),
      ready(nextBase, '/x-ready'),
      ready(nextApp, '/api/health'),
      ready(workerBase, '/x-ready'),
      ready(workerAssets, '/x-ready'),
      ready(workerApp, '/api/health'),
    ]);
    log(`servers up after ${fixed((performance.now() - started) / 1000, 0)} s`);

    await inProcessTrips(db, env);
    await nextTrips(db, nextApp);
    if (db.upstash) await storeTrips(db, { ...env, ...store, RATE_LIMIT_PREFIX: `hop-bench-${randomUUID()}` });
    await webhookCost(db, env, { rounds: load.rounds, perRound: 50, key: KEY, log });
    // 7. The live click feed: round trips per second with 1, 10, 100 streams; click→event latency.
    // Limits off: 222 stream opens would use up the key's 600 a minute.
    await feedBench(db, { ...env, RATE_LIMITS: 'false' }, KEY, 'in process (createApp().fetch)');
    await feedBench(db, env, KEY, 'next start', (path, init) => fetch(nextNoLimits.url + path, init));

    const created = await fetch(
      `${nextApp.url}/api/v1/links`,
      json({ url: 'https://example.com/bench-target', slug: SLUG }),
    );
    if (created.status !== 201)
      throw new Error(`creating the bench link answered ${created.status}: ${await created.text()}`);
    for (const s of [nextApp, workerApp, serve]) {
      const res = await fetch(`${s.url}/${SLUG}`, { redirect: 'manual' });
      if (res.status !== 302) throw new Error(`${s.name}: GET /${SLUG} answered ${res.status}`);
    }

    // Every server gets the same path; the baselines answer any slug.
    const trips = () => db.stats().sqlRequests;
    const at = (s: Server) => ({ name: s.name, url: `${s.url}/${SLUG}`, pgid: s.process.child.pid, trips });
    const nextRun = await sideBySide([at(nextBase), at(nextApp)], load);
    const workerRun = await sideBySide([at(workerBase), at(workerAssets), at(workerApp)], load);
    const serveRun = await sideBySide([at(bare), at(express), at(nextApp), at(serve)], load);
    const cold = await coldStart(env, appDir);
    log('\nRedirect throughput (3xx counted as success; medians of the rounds; CPU µs per request:');
    log(
      'server = its process group, bench = this process: load generator and, in the app rounds, the database writing clicks;',
    );
    log('db trips = round trips per request under load, click batches included)');
    throughputTable('next start', nextRun);
    throughputTable('wrangler dev', workerRun);
    serveTable(serveRun, serve);

    // The limiter's cost: one authenticated GET (key cached, one database round trip), with and without limits.
    const linkRes = await fetch(`${nextApp.url}/api/v1/links?slug=${SLUG}`, auth);
    const linkId = ((await linkRes.json()) as { items: { id: string }[] }).items[0]!.id;
    const authed = (s: Server) => ({
      name: s.name,
      url: `${s.url}/api/v1/links/${linkId}`,
      pgid: s.process.child.pid,
      trips,
      headers: { Authorization: `Bearer ${KEY}` },
      success: '2xx' as const,
    });
    limiterTable(await sideBySide([nextNoLimits, nextMemory, ...(nextStore ? [nextStore] : [])].map(authed), load));
    log(
      `serve cold start to its first redirect (database up): ${fixed(cold, 0)} ms (target ≤ 1000: ${cold <= 1000 ? 'OK' : 'MISSED'})`,
    );
    await benchAnalytics({ appDir });
    log(`\ndone in ${fixed((performance.now() - started) / 1000, 0)} s`);
  } finally {
    await Promise.all(servers.map((s) => s.process.stop()));
    await db.close();
  }
}

await main();
