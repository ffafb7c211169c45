// `npm run db:migrate`: applies src/api/db/migrations to DATABASE_URL (the
// local server or Neon) through the same driver the app uses.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NeonDbError } from '@neondatabase/serverless';
import { createDb } from '../src/api/db/client';
import { migrate, migrationFromFile, type Migration } from '../src/api/db/migrate';
import { DEFAULT_DATABASE_URL } from '../src/api/lib/hosts';

const DIR = join(import.meta.dirname, '..', 'src', 'api', 'db', 'migrations');

export function loadMigrations(dir = DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => migrationFromFile(file, readFileSync(join(dir, file), 'utf8')));
}

export const migrateUrl = (url: string, migrations = loadMigrations()) => migrate(createDb(url, 30_000), migrations);

/** The Postgres error in one line, without the connection string. */
export function describeError(error: unknown): string {
  if (error instanceof NeonDbError) {
    const where = error.position ? ` at position ${error.position}` : '';
    return `${error.message} (SQLSTATE ${error.code ?? 'unknown'}${where})${error.detail ? `: ${error.detail}` : ''}`;
  }
  return error instanceof Error ? `${error.message}${error.cause ? ` (${String(error.cause)})` : ''}` : String(error);
}

if (process.argv[1] === import.meta.filename) {
  const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  migrateUrl(url).then(
    ({ applied, skipped }) => {
      console.log(`migrations: ${applied.length} applied [${applied.join(', ')}], ${skipped.length} already there`);
    },
    (error) => {
      console.error(`migration failed: ${describeError(error)}`);
      process.exit(1);
    },
  );
}
