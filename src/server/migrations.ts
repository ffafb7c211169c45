// Applying the migrations in src/api/db/migrations through the app's own
// driver: for `npm run db:migrate`, the local processes and the tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NeonDbError } from '@neondatabase/serverless';
import { createDb } from '../api/db/client';
import { migrate, migrationFromFile, type Migration } from '../api/db/migrate';

export function loadMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => migrationFromFile(file, readFileSync(join(dir, file), 'utf8')));
}

export const migrateWith = (url: string, migrations: Migration[]) => migrate(createDb(url, 30_000), migrations);

/** The Postgres error in one line, without the connection string. */
export function describeError(error: unknown): string {
  if (error instanceof NeonDbError) {
    const where = error.position ? ` at position ${error.position}` : '';
    return `${error.message} (SQLSTATE ${error.code ?? 'unknown'}${where})${error.detail ? `: ${error.detail}` : ''}`;
  }
  return error instanceof Error ? `${error.message}${error.cause ? ` (${String(error.cause)})` : ''}` : String(error);
}
