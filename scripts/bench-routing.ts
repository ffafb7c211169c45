// `npx tsx scripts/bench-routing.ts`: cached-redirect throughput (GET /{slug})
// through `next start`, before and after the routing change, in one run with
// interleaved rounds (bench/load.ts), plus the size of what each build ships.
//   before   the base commit (merge-base with main): app/[hopSlug] + app/api/[[...route]]
//   bare     this tree without instrumentation.ts: app/[...hopPath] alone
//   tree     this tree as it is
// Loopback only. BENCH_REFS=name=ref,… adds builds of other commits;
// BENCH_VARIANTS=before,tree picks; BENCH_REUSE=1 keeps earlier builds;
// BENCH_BASE, BENCH_ROUNDS (5), BENCH_SECONDS (4), BENCH_CONNECTIONS (50).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sideBySide } from '../bench/load';
import { nextBuild, ready, startNext, type Server } from '../test/support/servers';
import { startLocalDb } from '../src/localdb';
import { migrateUrl } from './db-migrate';

const load = {
  rounds: Number(process.env.BENCH_ROUNDS ?? 5),
  seconds: Number(process.env.BENCH_SECONDS ?? 4),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
};
const KEY = `hop_bench_${crypto.randomUUID().replaceAll('-', '')}`;
const SLUG = 'bench-routing';
// Inside the repo (node_modules resolves upward) and git-ignored.
const ROOT = '.data/bench-routing';
const TREE = ['app', 'src/api', 'public', 'next.config.ts', 'tsconfig.json', 'package.json'];
const EXTRA = ['proxy.ts', 'middleware.ts', 'instrumentation.ts'];
const log = (line = '') => process.stdout.write(`${line}\n`);
const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();

function fresh(name: string): string {
  const dir = join(ROOT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The base commit's files, from git. */
function snapshotCommit(name: string, commit: string): string {
  const dir = fresh(name);
  const paths = [...TREE, ...EXTRA].filter((p) => git('ls-tree', '--name-only', commit, p) !== '');
  execFileSync('sh', ['-c', `git archive ${commit} ${paths.join(' ')} | tar -x -C ${dir}`]);
  // As bench/servers.ts: no tests (they import test/, which the snapshot has not).
  execFileSync('find', [dir, '-regextype', 'egrep', '-regex', '.*\\.(test|contract)\\.tsx?', '-delete']);
  return dir;
}

/** The working tree's files, without tests. */
function snapshotTree(name: string, extra: string[] = EXTRA): string {
  const dir = fresh(name);
  for (const path of [...TREE, ...extra].filter((p) => existsSync(p)))
    cpSync(path, join(dir, path), { recursive: true, filter: (src) => !/\.(test|contract)\.tsx?$/.test(src) });
  return dir;
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/** Raw and gzip bytes of each edge function, and of the Node proxy's own chunks. */
function sizes(dir: string): string[] {
  const next = join(dir, '.next');
  const manifest = JSON.parse(readFileSync(join(next, 'server/middleware-manifest.json'), 'utf8')) as {
    functions: Record<string, { files: string[] }>;
  };
  const measure = (files: string[]) => {
    const bufs = files.map((f) => readFileSync(join(next, f)));
    return `${kib(bufs.reduce((n, b) => n + b.length, 0))} raw, ${kib(bufs.reduce((n, b) => n + gzipSync(b).length, 0))} gzip`;
  };
  const lines = Object.entries(manifest.functions).map(
    ([name, { files }]) => `edge function ${name}: ${measure(files)}`,
  );
  const guarded = readdirSync(join(next, 'server/chunks')).some(
    (f) => f.endsWith('.js') && readFileSync(join(next, 'server/chunks', f), 'utf8').includes('hop.nextNodeGuard'),
  );
  lines.push(`Node guard (instrumentation.ts): ${guarded ? 'yes' : 'no'}`);
  // Next emits a middleware.js stub without a proxy; functions-config-manifest names a real one.
  const config = join(next, 'server/functions-config-manifest.json');
  const hasProxy = existsSync(config) && '/_middleware' in JSON.parse(readFileSync(config, 'utf8')).functions;
  const proxy = join(next, 'server/middleware.js');
  if (hasProxy) {
    const chunks = [...readFileSync(proxy, 'utf8').matchAll(/R\.c\("([^"]+)"\)/g)].map((m) => m[1]!);
    lines.push(
      `node proxy (middleware.js + its chunks, runtime excluded): ${measure(['server/middleware.js', ...chunks])}`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const base = process.env.BENCH_BASE ?? git('merge-base', 'HEAD', 'main');
  const refs = (process.env.BENCH_REFS ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => pair.split('=') as [string, string]);
  const all = [
    { id: 'before', name: `before (${base.slice(0, 7)}): two routes`, snapshot: () => snapshotCommit('before', base) },
    ...refs.map(([id, ref]) => ({
      id,
      name: `${id} (${git('rev-parse', '--short', ref)})`,
      snapshot: () => snapshotCommit(id, ref),
    })),
    { id: 'bare', name: 'one route, no instrumentation', snapshot: () => snapshotTree('bare', []) },
    { id: 'tree', name: 'this tree', snapshot: () => snapshotTree('tree') },
  ];
  const pick = (process.env.BENCH_VARIANTS ?? all.map((v) => v.id).join(',')).split(',');
  const variants = all.filter((v) => pick.includes(v.id)).map((v) => ({ ...v, dir: join(ROOT, v.id) }));
  for (const v of variants) {
    if (process.env.BENCH_REUSE === '1' && existsSync(join(v.dir, '.next/BUILD_ID'))) continue;
    v.snapshot();
    // Turbopack gives a nested project without its own instrumentation.ts the
    // one of the repo around it: a no-op keeps "before" and "bare" clean.
    const hook = join(v.dir, 'instrumentation.ts');
    if (!existsSync(hook)) writeFileSync(hook, 'export function register(): void {}\n');
    log(`next build ${v.dir} …`);
    await nextBuild(v.dir);
  }
  const db = await startLocalDb({ dataDir: null });
  const servers: Server[] = [];
  try {
    await migrateUrl(db.databaseUrl);
    const env = { DATABASE_URL: db.databaseUrl, INITIAL_API_KEY: KEY, LOG_LEVEL: 'warn', LINK_CACHE_TTL_MS: '60000' };
    for (const v of variants) servers.push(await startNext(v.name, env, v.dir));
    await Promise.all(servers.map((s) => ready(s, '/api/health')));
    const created = await fetch(`${servers[0]!.url}/api/v1/links`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: 'https://example.com/bench-target', slug: SLUG }),
    });
    if (created.status !== 201) throw new Error(`creating the link: ${created.status} ${await created.text()}`);
    for (const s of servers) {
      const res = await fetch(`${s.url}/${SLUG}?a=1`, { redirect: 'manual' });
      const location = res.headers.get('location');
      if (res.status !== 302 || location !== 'https://example.com/bench-target?a=1')
        throw new Error(`${s.name}: GET /${SLUG}?a=1 answered ${res.status} ${location}`);
    }

    const trips = () => db.stats().sqlRequests;
    const runs = await sideBySide(
      servers.map((s) => ({ name: s.name, url: `${s.url}/${SLUG}`, pgid: s.process.child.pid, trips })),
      load,
    );
    log(
      `\nnext start, GET /{slug} (cached), ${load.rounds} rounds × ${load.seconds} s each, ${load.connections} connections, interleaved; medians`,
    );
    log(
      `${'server'.padEnd(34)}${'req/s'.padStart(7)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'errors'.padStart(8)}${'server CPU/req'.padStart(16)}   rounds req/s`,
    );
    for (const r of runs)
      log(
        `${r.name.padEnd(34)}${r.rps.toFixed(0).padStart(7)}${String(r.p50).padStart(8)}${String(r.p99).padStart(8)}${String(r.errors).padStart(8)}${`${r.serverCpu.toFixed(0)} µs`.padStart(16)}   ${r.rounds.map((x) => x.rps.toFixed(0)).join(' / ')}`,
      );
    const before = runs[0]!;
    for (const r of runs.slice(1))
      log(
        `${r.name} / before: ${(r.rps / before.rps).toFixed(2)}× req/s, ${(r.serverCpu / before.serverCpu).toFixed(2)}× server CPU per request`,
      );
    log('\nWhat each build ships:');
    for (const v of variants) for (const line of sizes(v.dir)) log(`  ${v.name}: ${line}`);
  } finally {
    await Promise.all(servers.map((s) => s.process.stop()));
    await db.close();
  }
}

await main();
