// Conformance of the local Neon server with the real driver, for each backend.
// Run: npx vitest run src/localdb   (set TEST_DATABASE_URL for the PostgreSQL backend)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { neon, Pool } from '@neondatabase/serverless';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { conformanceSuite, pgError } from './conformance-suite';
import { startLocalDb } from './index';

const QUEUE_TIMEOUT_MS = 1500;

describe('localdb with embedded PGlite', () => {
  conformanceSuite(
    async () => {
      const db = await startLocalDb({ port: 0, dataDir: null, queueTimeoutMs: QUEUE_TIMEOUT_MS });
      return {
        db,
        direct: { host: db.pgAddress.host, port: db.pgAddress.port, user: 'hop', password: 'hop', database: 'hop' },
      };
    },
    (ctx) => {
      it('rejects a wrong password with 28P01, over HTTP and over WebSocket', async () => {
        const bad = ctx().db.databaseUrl.replace('hop:hop@', 'hop:wrong@');
        const err = await pgError(neon(bad)`select 1`);
        expect(err).toMatchObject({
          code: '28P01',
          severity: 'FATAL',
          message: 'password authentication failed for user "hop"',
        });
        const pool = new Pool({ connectionString: bad });
        try {
          await expect(pool.query('select 1')).rejects.toMatchObject({ code: '28P01' });
        } finally {
          await pool.end();
        }
      });

      it('rejects an unknown database with 3D000', async () => {
        const err = await pgError(neon(ctx().db.databaseUrl.replace(/\/hop$/, '/other'))`select 1`);
        expect(err).toMatchObject({ code: '3D000', message: 'database "other" does not exist' });
      });

      it('queues behind an open transaction, then times out with 53300 instead of hanging', async () => {
        const sql = neon(ctx().db.databaseUrl);
        const pool = new Pool({ connectionString: ctx().db.databaseUrl });
        const holder = await pool.connect();
        try {
          await holder.query('begin');
          const started = Date.now();
          const waiting = sql`select 'queued' as s`;
          const err = await pgError(waiting);
          expect(err.code).toBe('53300');
          expect(err.message).toMatch(/waited 1500 ms for the single PGlite connection/);
          expect(Date.now() - started).toBeGreaterThanOrEqual(QUEUE_TIMEOUT_MS - 50);
          // A query queued just before the holder commits goes through.
          const next = sql`select 'next' as s`;
          await new Promise((r) => setTimeout(r, 100));
          await holder.query('commit');
          expect(await next).toEqual([{ s: 'next' }]);
        } finally {
          holder.release();
          await pool.end();
        }
      });

      it('rolls back the transaction of a client that disconnects mid-way', async () => {
        const sql = neon(ctx().db.databaseUrl);
        const client = new pg.Client(ctx().direct);
        client.on('error', () => {}); // the connection is about to be cut on purpose
        await client.connect();
        await client.query('begin');
        await client.query('create table lc_abandoned (x int)');
        client.connection.stream.destroy(); // vanish without COMMIT or Terminate
        await new Promise((r) => setTimeout(r, 200));
        expect(await sql`select to_regclass('lc_abandoned') as t`).toEqual([{ t: null }]);
      });
    },
  );
});

describe('localdb with PGlite on disk', () => {
  it('keeps data across a close and a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'localdb-'));
    try {
      let db = await startLocalDb({ port: 0, dataDir: dir });
      await neon(db.databaseUrl)`create table kept (v text)`;
      await neon(db.databaseUrl)`insert into kept values ('still here')`;
      await db.close();
      db = await startLocalDb({ port: 0, dataDir: dir });
      try {
        expect(await neon(db.databaseUrl)`select v from kept`).toEqual([{ v: 'still here' }]);
      } finally {
        await db.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

const testDatabaseUrl = process.env.TEST_DATABASE_URL;
if (!testDatabaseUrl) {
  console.warn(
    '[localdb] TEST_DATABASE_URL is not set: skipping the PostgreSQL-backend conformance tests (e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test).',
  );
}

describe.skipIf(!testDatabaseUrl)('localdb with PostgreSQL', () => {
  conformanceSuite(
    async () => {
      const db = await startLocalDb({ port: 0, backend: testDatabaseUrl! });
      return { db, direct: { connectionString: testDatabaseUrl! } };
    },
    (ctx) => {
      // The server connects as the caller's own credentials, so Postgres decides: whatever a
      // direct connection with the same credentials gets, the driver must get too. With
      // `trust` in pg_hba.conf (as on many CI and dev machines) Postgres ignores passwords,
      // so a wrong password is accepted there as well; an unknown role is still refused.
      it('honours the connection-string credentials exactly as Postgres does', async () => {
        const admin = new pg.Client({ connectionString: testDatabaseUrl });
        await admin.connect();
        const role = `lc_role_${process.pid}`;
        await admin.query(`create role ${role} login password 'right-pw'`);
        try {
          const url = new URL(ctx().db.databaseUrl);
          const as = (user: string, password: string) => Object.assign(new URL(url), { username: user, password }).href;
          const directResult = (user: string, password: string) => {
            const c = new pg.Client({
              connectionString: Object.assign(new URL(testDatabaseUrl!), { username: user, password }).href,
            });
            return c.connect().then(
              async () => (await c.end(), null),
              (e: pg.DatabaseError) => ({ code: e.code, message: e.message }),
            );
          };
          const viaDriver = (user: string, password: string) =>
            neon(as(user, password))`select current_user as u`.then(
              (rows) => rows[0]!.u as string,
              (e: pg.DatabaseError) => ({ code: e.code, message: e.message }),
            );

          const wrong = await directResult(role, 'wrong-pw');
          if (wrong === null)
            console.warn(
              '[localdb] pg_hba.conf uses trust for this connection: Postgres accepts any password, so does the driver.',
            );
          expect(await viaDriver(role, 'wrong-pw')).toEqual(wrong ?? role);
          expect(wrong === null || wrong.code === '28P01').toBe(true);
          expect(await viaDriver(role, 'right-pw')).toBe(role);

          const ghost = await directResult(`${role}_ghost`, 'x');
          expect(ghost?.code).toMatch(/^28(000|P01)$/); // 28000 with trust, 28P01 with password auth
          expect(await viaDriver(`${role}_ghost`, 'x')).toEqual(ghost);
        } finally {
          await admin.query(`drop role ${role}`);
          await admin.end();
        }
      });
    },
  );
});
