// The database a local process runs against, as `npm run dev` and
// `npm run serve` set it up: unless DATABASE_URL names a remote server, a
// local Neon server on PGlite (.data/, migrated) is started, or reused when
// one already listens on its port (`npm run db`, or another dev command).
import type { Config } from '../api/lib/config';
import { DEFAULT_LOCAL_DB_PORT, isLoopbackHostname } from '../api/lib/hosts';
import { startLocalDb, type LocalDb } from '../localdb';
import { loadMigrations, migrateWith } from './migrations';

export interface Database {
  /** DATABASE_URL for the app: a local one names the server's port explicitly. */
  url: string;
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
  if (!isLoopbackHostname(url.hostname)) return { url: url.href, notes: [], close: async () => {} };
  const port = Number(url.port || localPort || DEFAULT_LOCAL_DB_PORT);
  // The app finds the local server by the URL's port: make it explicit (LOCALDB_PORT may differ from the default).
  url.port = String(port);
  const notes: string[] = [];
  let server: LocalDb | undefined;
  if (await isServing(port)) {
    notes.push(`using the local database already on port ${port}`);
  } else {
    server = await startLocalDb({
      port,
      dataDir: '.data/pglite',
      user: decodeURIComponent(url.username) || 'hop',
      password: decodeURIComponent(url.password) || 'hop',
      database: url.pathname.slice(1) || 'hop',
    });
    notes.push(`embedded PGlite in .data/pglite, served on ${server.url}`);
  }
  try {
    const { applied } = await migrateWith(url.href, loadMigrations(migrationsDir));
    if (applied.length) notes.push(`applied migrations ${applied.join(', ')}`);
  } catch (error) {
    await server?.close();
    throw error;
  }
  return { url: url.href, notes, close: async () => void (await server?.close()) };
}
