// The database a local process runs against, as `npm run dev` and
// `npm run serve` set it up: unless DATABASE_URL names a remote server, a
// local Neon server on PGlite (.data/, migrated) is started, or reused when
// one already listens on its port (`npm run db`, or another dev command).
// With REDIS_URL (and no UPSTASH_REDIS_REST_*), that server also fronts the
// Redis as Upstash and the app's rate limits use it; LOCALDB_REDIS_TOKEN fixes
// the token, so a reused server (`npm run db` with the same) is found too.
import { randomBytes } from 'node:crypto';
import type { Config } from '../api/lib/config';
import { DEFAULT_LOCAL_DB_PORT, isLoopbackHostname } from '../api/lib/hosts';
import { startLocalDb, type LocalDb } from '../localdb';
import { loadMigrations, migrateWith } from './migrations';

export interface Database {
  /** DATABASE_URL for the app: a local one names the server's port explicitly. */
  url: string;
  /** More settings for the app: UPSTASH_REDIS_REST_URL and _TOKEN of the local store, if there is one. */
  env: Record<string, string>;
  /** What setting it up did, for the startup log. */
  notes: string[];
  /** Stops the embedded server if this process started it (PGlite flushes its data). */
  close(): Promise<void>;
}

async function isServing(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}

/** `migrationsDir`: src/api/db/migrations, found by the caller (a bundle cannot find it from its own place). */
export async function localDatabase(config: Config, migrationsDir: string): Promise<Database> {
  const localPort = process.env.LOCALDB_PORT;
  const url = new URL(config.DATABASE_URL);
  if (!isLoopbackHostname(url.hostname)) return { url: url.href, env: {}, notes: [], close: async () => {} };
  const port = Number(url.port || localPort || DEFAULT_LOCAL_DB_PORT);
  // The app finds the local server by the URL's port: make it explicit (LOCALDB_PORT may differ from the default).
  url.port = String(port);
  const notes: string[] = [];
  const env: Record<string, string> = {};
  const redisUrl = !config.UPSTASH_REDIS_REST_URL && process.env.REDIS_URL ? process.env.REDIS_URL : null;
  const redisToken = process.env.LOCALDB_REDIS_TOKEN || `localdb_${randomBytes(18).toString('base64url')}`;
  let server: LocalDb | undefined;
  if (await isServing(port)) {
    notes.push(`using the local database already on port ${port}`);
    if (redisUrl && process.env.LOCALDB_REDIS_TOKEN) {
      Object.assign(env, { UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${port}`, UPSTASH_REDIS_REST_TOKEN: redisToken });
    } else if (redisUrl) notes.push('set LOCALDB_REDIS_TOKEN to use its Redis front: rate limits stay per instance');
  } else {
    server = await startLocalDb({
      port,
      dataDir: '.data/pglite',
      user: decodeURIComponent(url.username) || 'hop',
      password: decodeURIComponent(url.password) || 'hop',
      database: url.pathname.slice(1) || 'hop',
      redisUrl,
      redisToken,
    });
    notes.push(`embedded PGlite in .data/pglite, served on ${server.url}`);
    if (server.upstash) {
      notes.push(`rate limits in Redis (${redisUrl}) through the local Upstash front`);
      Object.assign(env, {
        UPSTASH_REDIS_REST_URL: server.upstash.url,
        UPSTASH_REDIS_REST_TOKEN: server.upstash.token,
      });
    }
  }
  try {
    const { applied } = await migrateWith(url.href, loadMigrations(migrationsDir));
    if (applied.length) notes.push(`applied migrations ${applied.join(', ')}`);
  } catch (error) {
    await server?.close();
    throw error;
  }
  return { url: url.href, env, notes, close: async () => void (await server?.close()) };
}
