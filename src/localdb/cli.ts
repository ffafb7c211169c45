// `npm run db`: the local Neon server for development.
//   LOCALDB_PORT         HTTP port (default 4444); also the port in DATABASE_URL
//   LOCALDB_BACKEND_URL  postgres:// URL of a PostgreSQL server; unset = embedded PGlite under .data/
//   LOCALDB_PG_PORT      PGlite only: TCP port for psql and other Postgres clients (default: any free port)
//   REDIS_URL            redis:// URL: also serve Upstash's REST protocol in front of that Redis
//   LOCALDB_REDIS_TOKEN  the REST protocol's bearer token (default: a random one, printed)
import { DEFAULT_LOCAL_DB_PORT } from '../api/lib/hosts';
import { startLocalDb } from './index';

const port = Number(process.env.LOCALDB_PORT ?? DEFAULT_LOCAL_DB_PORT);
const backend = process.env.LOCALDB_BACKEND_URL || 'pglite';

const db = await startLocalDb({
  port,
  backend,
  dataDir: '.data/pglite',
  pgPort: Number(process.env.LOCALDB_PG_PORT ?? 0),
  redisUrl: process.env.REDIS_URL || null,
  redisToken: process.env.LOCALDB_REDIS_TOKEN || undefined,
});

const where =
  db.backend === 'pglite' ? 'PGlite in .data/pglite' : `PostgreSQL at ${db.pgAddress.host}:${db.pgAddress.port}`;
console.log(`localdb: Neon-compatible server on ${db.url} (${where})`);
console.log(`DATABASE_URL=${db.databaseUrl}`);
if (db.backend === 'pglite') {
  const u = new URL(db.databaseUrl);
  console.log(
    `psql: psql postgresql://${u.username}:${u.password}@${db.pgAddress.host}:${db.pgAddress.port}${u.pathname}`,
  );
}

if (db.upstash) {
  console.log(`localdb: Upstash REST protocol on ${db.upstash.url} in front of ${process.env.REDIS_URL}`);
  console.log(`UPSTASH_REDIS_REST_URL=${db.upstash.url}`);
  console.log(`UPSTASH_REDIS_REST_TOKEN=${db.upstash.token}`);
}

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`localdb: ${signal}, closing (PGlite flushes its data)…`);
  try {
    await db.close();
    process.exit(0);
  } catch (err) {
    console.error('localdb: close failed:', err);
    process.exit(1);
  }
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
