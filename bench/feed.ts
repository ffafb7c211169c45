// The live click feed's cost and latency: database round trips per second
// with 1, 10 and 100 open streams (one shared poller per isolate: it should
// not grow with the streams), and click→event latency (p50/p95), in process
// (createApp().fetch) and, when given, through a real server. Standalone:
// `npx tsx bench/feed.ts` (its own local database); `npm run bench` runs it too.
import { createApp } from '../src/api/app';
import { startLocalDb, type LocalDb } from '../src/localdb';
import { migrateUrl } from '../scripts/db-migrate';
import { readSse } from '../test/support/sse';

type Fetch = (path: string, init?: RequestInit) => Promise<Response>;

// A person's browser: the default scope leaves bots (fetch's own User-Agent among them) out.
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line = '') => process.stdout.write(`${line}\n`);
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

function inProcess(env: Record<string, string>): Fetch {
  const app = createApp();
  const ctx = { waitUntil: () => {}, passThroughOnException() {}, props: {} };
  return (path, init) => Promise.resolve(app.fetch(new Request(`http://hop.test${path}`, init), env, ctx));
}

/** Round trips per second at the local server over `seconds`, with `streams` streams open and no clicks. */
async function tripsPerSecond(db: LocalDb, send: Fetch, key: string, streams: number, seconds: number) {
  const opened = await Promise.all(
    Array.from({ length: streams }, () =>
      send('/api/v1/clicks/stream', { headers: { Authorization: `Bearer ${key}` } }).then(readSse),
    ),
  );
  await Promise.all(opened.map((s) => s.waitForEvent('ready', 30_000)));
  await sleep(1_000);
  db.resetStats();
  await sleep(seconds * 1000);
  const trips = db.stats().sqlRequests / seconds;
  await Promise.all(opened.map((s) => s.close()));
  return trips;
}

/** Latency from each click's answer to its event, one click every 50 ms, with `streams` streams open. */
async function latency(send: Fetch, key: string, slug: string, linkId: string, streams: number, clicks: number) {
  const headers = { Authorization: `Bearer ${key}` };
  const opened = await Promise.all(
    Array.from({ length: streams }, () => send(`/api/v1/clicks/stream?linkId=${linkId}`, { headers }).then(readSse)),
  );
  await Promise.all(opened.map((s) => s.waitForEvent('ready', 30_000)));
  const watched = opened[0]!;
  const answered: number[] = [];
  for (let i = 0; i < clicks; i++) {
    const res = await send(`/${slug}`, { redirect: 'manual', headers: { 'User-Agent': BROWSER } });
    await res.arrayBuffer();
    answered.push(performance.now());
    await sleep(50);
  }
  await watched.waitForClicks(clicks, 15_000);
  await Promise.all(opened.map((s) => s.close()));
  const all = answered.map((at, i) => watched.clicks()[i]!.receivedAt - at);
  return { p50: percentile(all, 50), p95: percentile(all, 95) };
}

/**
 * The bench section: `send` reaches the app (in process when omitted) whose
 * database is `db`; `key` an admin key.
 */
export async function feedBench(db: LocalDb, env: Record<string, string>, key: string, label: string, send?: Fetch) {
  const target = send ?? inProcess(env);
  const created = await target('/api/v1/links', {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ url: 'https://example.com/feed', slug: `feed-bench-${Date.now()}` }),
  });
  if (created.status !== 201) throw new Error(`feed bench: creating a link answered ${created.status}`);
  const link = (await created.json()) as { id: string; slug: string };
  log(`\nLive click feed, ${label} (STREAM_POLL_MS ${env.STREAM_POLL_MS ?? 1000}):`);
  log(`${'open streams'.padEnd(14)}${'db trips/s'.padStart(12)}${'latency p50'.padStart(14)}${'p95'.padStart(8)}`);
  for (const streams of [1, 10, 100]) {
    const trips = await tripsPerSecond(db, target, key, streams, 5);
    const { p50, p95 } = await latency(target, key, link.slug, link.id, streams, 40);
    log(
      `${String(streams).padEnd(14)}${trips.toFixed(2).padStart(12)}${`${p50.toFixed(0)} ms`.padStart(14)}${`${p95.toFixed(0)} ms`.padStart(8)}`,
    );
  }
  log('db trips/s: idle streams, counted at the local server; latency: click answered → event read (target p95 ≤ 2 s)');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const db = await startLocalDb({ dataDir: null });
  try {
    await migrateUrl(db.databaseUrl);
    const key = `hop_bench_${crypto.randomUUID().replaceAll('-', '')}`;
    const env = { DATABASE_URL: db.databaseUrl, INITIAL_API_KEY: key, LOG_LEVEL: 'warn', RATE_LIMITS: 'false' };
    await feedBench(db, env, key, 'in process (createApp().fetch)');
  } finally {
    await db.close();
  }
}
