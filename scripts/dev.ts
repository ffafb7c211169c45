// `npm run dev` (Next) and `npm run dev:worker` (wrangler dev): the app with
// its embedded database. Unless DATABASE_URL names a remote server, a local
// Neon server on PGlite (.data/, migrated) is started first, or reused when
// one already listens on LOCALDB_PORT (e.g. `npm run db` or the other dev command).
// With REDIS_URL (and no UPSTASH_REDIS_REST_*), the local server also fronts
// that Redis as Upstash and the app's rate limits use it; LOCALDB_REDIS_TOKEN
// fixes the token, so a reused server (npm run db) is found with the same one.
import { spawn } from 'node:child_process';
import nextEnv from '@next/env';
import { CONFIG_KEYS, parseConfig } from '../src/api/lib/config';
import { DEFAULT_LOCAL_DB_PORT, isLoopbackHostname } from '../src/api/lib/hosts';
import { randomBytes } from 'node:crypto';
import { startLocalDb, type LocalDb } from '../src/localdb';
import { describeError, migrateUrl } from './db-migrate';

const target = process.argv[2] === 'worker' ? 'worker' : 'next';
// As Next does: .env, .env.local, .env.development(.local). wrangler adds .dev.vars itself.
nextEnv.loadEnvConfig(process.cwd(), true, { info: () => {}, error: console.error });

let config;
try {
  config = parseConfig(process.env);
} catch (error) {
  console.error(String((error as Error).message));
  process.exit(1);
}

const url = new URL(config.DATABASE_URL);
const isLocal = isLoopbackHostname(url.hostname);
const localPort = Number(url.port || process.env.LOCALDB_PORT || DEFAULT_LOCAL_DB_PORT);
// The app finds the local server by the URL's port: make it explicit (LOCALDB_PORT may differ from the default).
if (isLocal) url.port = String(localPort);
const databaseUrl = url.href;

async function isServing(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}

let localDb: LocalDb | undefined;
const store: Record<string, string> = {};
const redisUrl = !config.UPSTASH_REDIS_REST_URL && process.env.REDIS_URL ? process.env.REDIS_URL : null;
const redisToken = process.env.LOCALDB_REDIS_TOKEN || `localdb_${randomBytes(18).toString('base64url')}`;
if (isLocal) {
  if (await isServing(localPort)) {
    console.log(`dev: using the local database already on port ${localPort}`);
    if (redisUrl && process.env.LOCALDB_REDIS_TOKEN) {
      Object.assign(store, {
        UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${localPort}`,
        UPSTASH_REDIS_REST_TOKEN: redisToken,
      });
    } else if (redisUrl) console.log('dev: set LOCALDB_REDIS_TOKEN to share its Redis front; limits stay per instance');
  } else {
    localDb = await startLocalDb({
      port: localPort,
      dataDir: '.data/pglite',
      user: decodeURIComponent(url.username) || 'hop',
      password: decodeURIComponent(url.password) || 'hop',
      database: url.pathname.slice(1) || 'hop',
      redisUrl,
      redisToken,
    });
    console.log(`dev: embedded PGlite in .data/pglite, served on ${localDb.url}`);
    if (localDb.upstash) {
      console.log(`dev: rate limits in Redis (${redisUrl}) through the local Upstash front`);
      Object.assign(store, {
        UPSTASH_REDIS_REST_URL: localDb.upstash.url,
        UPSTASH_REDIS_REST_TOKEN: localDb.upstash.token,
      });
    }
  }
  try {
    const { applied } = await migrateUrl(databaseUrl);
    if (applied.length) console.log(`dev: applied migrations ${applied.join(', ')}`);
  } catch (error) {
    console.error(`dev: migration failed: ${describeError(error)}`);
    await localDb?.close();
    process.exit(1);
  }
}

const port = process.env.PORT ?? (target === 'next' ? '3000' : '8787');
const vars: NodeJS.ProcessEnv = { ...process.env, ...store, DATABASE_URL: databaseUrl };
const forwarded = CONFIG_KEYS.filter((key) => vars[key]).map((key) => `${key}:${vars[key]}`);
const [command, args] =
  target === 'next'
    ? ['next', ['dev', '-p', port]]
    : ['wrangler', ['dev', '--ip', '127.0.0.1', '--port', port, ...forwarded.flatMap((v) => ['--var', v])]];

const child = spawn(`node_modules/.bin/${command}`, args as string[], {
  stdio: 'inherit',
  env: { ...vars, WRANGLER_SEND_METRICS: 'false' },
});

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  child.kill('SIGTERM');
  await localDb?.close(); // PGlite flushes, so data survives a restart
  process.exit(code);
}
child.on('exit', (code) => void stop(code ?? 0));
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
