import { NeonDbError } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError, loadMigrations, migrateUrl } from '@/scripts/db-migrate';
import { run } from '@/test/support/process';
import { startLocalDb, type LocalDb } from '../../localdb';
import { createDb } from './client';
import { migrate, migrationFromFile } from './migrate';

let server: LocalDb;
beforeAll(async () => {
  server = await startLocalDb({ dataDir: null });
});
afterAll(() => server.close());

const db = () => createDb(server.databaseUrl, 10_000);
const tables = async () =>
  (await db().query<{ t: string }>("select tablename as t from pg_tables where schemaname = 'public' order by 1")).map(
    (r) => r.t,
  );

describe('migrations', () => {
  it('applies each migration once, even when runs race', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => migrateUrl(server.databaseUrl)));
    const versions = loadMigrations().map((m) => m.version);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(versions);
    const rows = await db().query('select version from schema_migrations order by version');
    expect(rows.map((r) => r.version)).toEqual(versions);
    expect((await migrateUrl(server.databaseUrl)).applied).toEqual([]);
  });

  it('rolls a failing migration back whole and reports the Postgres error', async () => {
    const before = await tables();
    const bad = migrationFromFile('9001_broken.sql', 'create table half_done (id int);\ncreate tabel oops (id int);');
    const error = await migrate(db(), [bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeonDbError);
    expect((error as NeonDbError).code).toBe('42601');
    expect(describeError(error)).toMatch(/syntax error.*SQLSTATE 42601 at position \d+/);
    expect(await tables()).toEqual(before);
    const recorded = await db().query("select 1 from schema_migrations where version = '9001'");
    expect(recorded).toEqual([]);
  });

  it('rejects a badly named file', () => {
    expect(() => migrationFromFile('init.sql', '')).toThrow(/0001_name\.sql/);
  });

  it('npm run db:migrate exits non-zero with the error when the database is unreachable', async () => {
    const error = await run('node_modules/.bin/tsx', ['scripts/db-migrate.ts'], {
      DATABASE_URL: 'postgresql://hop:secret-pw@localhost:1/hop',
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toMatch(/exited 1[\s\S]*migration failed/);
    expect(String(error)).not.toContain('secret-pw');
  }, 30_000);
});
