import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, jsonBody, unique } from '@/test/support/accounts';
import { BACKENDS, skipWithoutPostgres } from '@/test/support/backends';
import { useLocalApp } from '@/test/support/local-app';
import { expectProblem } from '@/test/support/problem';

// The last-admin rules, in a database of our own where the bootstrap admin
// starts as the only admin (the shared contract database has many). Set
// TEST_DATABASE_URL to run the races on PostgreSQL, where they truly overlap:
// there the test holds both users' rows locked until both requests are
// waiting inside the database, so the race happens every time, not by luck.

describe.each(BACKENDS)('last admin (%s)', (name, url) => {
  describe.skipIf(skipWithoutPostgres(name))('', () => {
    const { send, db, backendUrl } = useLocalApp({ backend: url });
    const admins = async () =>
      (await db().query<{ id: string }>("select id from users where role = 'admin' order by id")).map((r) => r.id);
    const me = async (key: string) =>
      (await (await send('/api/v1/me', { headers: bearer(key) })).json()) as { user: { id: string } };
    const createAdmin = async (key: string) => {
      const user = await send(
        '/api/v1/users',
        jsonBody('POST', key, { email: `${unique('admin')}@example.com`, name: 'Admin', role: 'admin' }),
      );
      expect(user.status).toBe(201);
      const { id } = (await user.json()) as { id: string };
      const created = await send('/api/v1/keys', jsonBody('POST', key, { name: 'admin key', userId: id }));
      return { id, key: ((await created.json()) as { key: string }).key };
    };
    const demote = (id: string, key: string) => send(`/api/v1/users/${id}`, jsonBody('PATCH', key, { role: 'editor' }));
    const remove = (id: string, key: string) => send(`/api/v1/users/${id}`, { method: 'DELETE', headers: bearer(key) });

    it('refuses to delete or demote the only admin with 409, and allows other changes', async () => {
      const { id } = (await me(ADMIN_KEY)).user;
      expect(await admins()).toEqual([id]);
      expect((await expectProblem(await remove(id, ADMIN_KEY), 409)).detail).toMatch(/last admin/);
      expect((await expectProblem(await demote(id, ADMIN_KEY), 409)).detail).toMatch(/last admin/);
      const renamed = await send(
        `/api/v1/users/${id}`,
        jsonBody('PATCH', ADMIN_KEY, { name: 'Still admin', role: 'admin' }),
      );
      expect(renamed.status).toBe(200);
      expect(await admins()).toEqual([id]);
    });

    // Keys of the admins so far, to act as whoever is still admin.
    const keyOf = new Map<string, string>();
    const survivor = async () => {
      const [id, ...rest] = await admins();
      expect(rest).toEqual([]);
      return { id: id!, key: keyOf.get(id!)! };
    };
    /** Locks the users' rows from another connection; `release` once `waiters` sessions wait on locks. */
    const holdRows = async (ids: string[]) => {
      const [holder, watcher] = [backendUrl(), backendUrl()].map((url) => new pg.Client({ connectionString: url }));
      await Promise.all([holder!.connect(), watcher!.connect()]);
      await holder!.query('begin');
      await holder!.query('select 1 from users where id = any($1) for update', [ids]);
      return async (waiters: number) => {
        // Watched from outside the holder's transaction, which would see one frozen snapshot of the statistics.
        for (let deadline = Date.now() + 10_000; ;) {
          const { rows } = await watcher!.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity
             where datname = current_database() and wait_event_type = 'Lock'`,
          );
          if (rows[0]!.n >= waiters) break;
          if (Date.now() > deadline) throw new Error(`only ${rows[0]!.n} of ${waiters} requests reached the database`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await holder!.query('rollback');
        await Promise.all([holder!.end(), watcher!.end()]);
      };
    };
    // Each admin acts on itself, so losing the race cannot also cost the other request its role.
    const race = async (ids: [string, string], a: () => Promise<Response>, b: () => Promise<Response>) => {
      const release = backendUrl() ? await holdRows(ids) : null;
      const both = Promise.all([a(), b()]);
      await release?.(2);
      const statuses = (await both).map((r) => r.status);
      expect(statuses.filter((s) => s === 409)).toHaveLength(1);
      expect(statuses.filter((s) => s < 300)).toHaveLength(1);
      expect(await admins()).toHaveLength(1);
    };

    /** The admin left from the last race, and a second admin beside it. */
    const twoAdmins = async () => {
      if (!keyOf.size) keyOf.set((await me(ADMIN_KEY)).user.id, ADMIN_KEY);
      const first = await survivor();
      const second = await createAdmin(first.key);
      keyOf.set(second.id, second.key);
      return [first, second] as const;
    };

    it.each([
      ['two concurrent demotions', demote, demote],
      ['two concurrent deletions', remove, remove],
      ['a racing demotion and deletion', demote, remove],
    ])('lets exactly one of %s of the last two admins through', async (_, a, b) => {
      const [first, second] = await twoAdmins();
      await race(
        [first.id, second.id],
        () => a(first.id, first.key),
        () => b(second.id, second.key),
      );
    });
  });
});
