import { NeonDbError } from '@neondatabase/serverless';
import type { Db } from './client';
import { splitSql } from './split-sql';

export interface Migration {
  /** Ordered, unique: the file name's leading number, e.g. "0001". */
  version: string;
  name: string;
  sql: string;
}

export interface MigrationResult {
  applied: string[];
  skipped: string[];
}

// Serialises concurrent runs across processes (an arbitrary, fixed key).
const LOCK_KEY = 7_304_118_921;

const CREATE_TABLE = `create table if not exists schema_migrations (
  version text primary key,
  name text not null,
  applied_at timestamptz not null default now()
)`;

/** Parses "0001_init.sql" into a migration. */
export function migrationFromFile(file: string, sql: string): Migration {
  const match = /^(\d+)_([\w-]+)\.sql$/.exec(file);
  if (!match) throw new Error(`migration file name must look like 0001_name.sql: ${file}`);
  return { version: match[1]!, name: match[2]!, sql };
}

const isAlreadyApplied = (error: unknown) =>
  error instanceof NeonDbError && error.code === '23505' && error.constraint === 'schema_migrations_pkey';

/**
 * Applies pending migrations in order, each in its own transaction (one HTTP
 * batch): advisory lock, record the version, then its statements. A rerun or
 * a concurrent run trips the primary key and rolls back untouched; a failing
 * statement rolls back the whole migration and stops the run.
 */
export async function migrate(db: Db, migrations: Migration[]): Promise<MigrationResult> {
  const sorted = [...migrations].sort((a, b) => a.version.localeCompare(b.version));
  await db.batch([{ text: 'select pg_advisory_xact_lock($1)', params: [LOCK_KEY] }, { text: CREATE_TABLE }]);
  const done = new Set(
    (await db.query<{ version: string }>('select version from schema_migrations')).map((row) => row.version),
  );
  const result: MigrationResult = { applied: [], skipped: [] };
  for (const migration of sorted) {
    if (done.has(migration.version)) {
      result.skipped.push(migration.version);
      continue;
    }
    try {
      await db.batch([
        { text: 'select pg_advisory_xact_lock($1)', params: [LOCK_KEY] },
        {
          text: 'insert into schema_migrations (version, name) values ($1, $2)',
          params: [migration.version, migration.name],
        },
        ...splitSql(migration.sql).map((text) => ({ text })),
      ]);
      result.applied.push(migration.version);
    } catch (error) {
      if (!isAlreadyApplied(error)) throw error;
      result.skipped.push(migration.version);
    }
  }
  return result;
}
