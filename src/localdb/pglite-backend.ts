// Embedded PGlite, persisted in a directory or kept in memory, served on a
// loopback TCP port by PgliteWireServer.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PgliteWireServer } from './pglite-wire';

export interface PgliteBackendOptions {
  /** Directory for the data files; null keeps everything in memory. */
  dataDir: string | null;
  user: string;
  password: string;
  database: string;
  queueTimeoutMs: number;
  /** TCP port for the wire protocol; 0 picks a free one. */
  pgPort: number;
}

export interface PgliteBackend {
  host: string;
  port: number;
  close(): Promise<void>;
}

export async function startPgliteBackend(o: PgliteBackendOptions): Promise<PgliteBackend> {
  if (o.dataDir) await mkdir(o.dataDir, { recursive: true });
  const db = await PGlite.create(o.dataDir ?? undefined);
  const parameters = await serverParameters(db);
  const wire = new PgliteWireServer(db, { ...o, parameters });
  const { host, port } = await wire.listen(o.pgPort);
  return {
    host,
    port,
    async close() {
      await wire.close();
      // Wait for the last transaction to finish so PGlite closes cleanly and the data persists.
      const release = await wire.lock.acquire(60_000);
      try {
        await db.close();
      } finally {
        release();
      }
    },
  };
}

/** What a real server reports at startup; drivers read some of these (e.g. integer_datetimes). */
async function serverParameters(db: PGlite): Promise<Record<string, string>> {
  const names = [
    'server_version',
    'server_encoding',
    'client_encoding',
    'DateStyle',
    'IntervalStyle',
    'TimeZone',
    'integer_datetimes',
    'standard_conforming_strings',
  ];
  const params: Record<string, string> = { application_name: '', is_superuser: 'on' };
  for (const name of names) {
    const { rows } = await db.query<{ v: string }>('select current_setting($1) as v', [name]);
    params[name] = rows[0]!.v;
  }
  return params;
}
