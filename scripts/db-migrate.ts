// `npm run db:migrate`: applies src/api/db/migrations to DATABASE_URL (the
// local server or Neon) through the same driver the app uses.
import { join } from 'node:path';
import type { Migration } from '../src/api/db/migrate';
import { DEFAULT_DATABASE_URL } from '../src/api/lib/hosts';
import { describeError, loadMigrations as loadFrom, migrateWith } from '../src/server/migrations';

export { describeError };

/** The project's migrations, found from this script's place in the tree. */
export const MIGRATIONS_DIR = join(import.meta.dirname, '..', 'src', 'api', 'db', 'migrations');

export const loadMigrations = (dir = MIGRATIONS_DIR) => loadFrom(dir);

export const migrateUrl = (url: string, migrations: Migration[] = loadMigrations()) => migrateWith(url, migrations);

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
