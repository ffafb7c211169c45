import { beforeAll, describe, expect, it } from 'vitest';
import type { Send } from '@/test/contract/suite';
import { ADMIN_KEY, bearer, jsonBody, keyFor, unique } from '@/test/support/accounts';
import { expectInvalid, expectProblem, expectUnauthorized } from '@/test/support/problem';

// The users API through HTTP; run in Node, the edge-runtime VM and workerd.
// Every runtime shares one database across suites: emails are unique per test.
// The last-admin rules need a database with one admin: users.test.ts (Node).

type UserBody = { id: string; email: string; name: string; role: string; createdAt: string; updatedAt: string };
type ListBody = { items: UserBody[]; nextCursor: string | null };

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const email = (prefix = 'user') => `${unique(prefix)}@Example.com`;

export function usersContract(send: Send) {
  const post = (body: unknown, key = ADMIN_KEY) => send('/api/v1/users', jsonBody('POST', key, body));
  const patch = (id: string, body: unknown, key = ADMIN_KEY) =>
    send(`/api/v1/users/${id}`, jsonBody('PATCH', key, body));
  const get = (path: string, key = ADMIN_KEY) => send(path, { headers: bearer(key) });
  const del = (id: string, key = ADMIN_KEY) => send(`/api/v1/users/${id}`, { method: 'DELETE', headers: bearer(key) });
  const create = async (body: Record<string, unknown> = {}): Promise<UserBody> => {
    const res = await post({ email: email(), name: 'Grace Hopper', ...body });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as UserBody;
  };
  const me = async (key: string) => (await (await get('/api/v1/me', key)).json()) as { user: { role: string } };

  describe('authentication and roles', () => {
    let viewer: string;
    let editor: string;
    beforeAll(async () => {
      viewer = (await keyFor(send, 'viewer')).key;
      editor = (await keyFor(send, 'editor')).key;
    });

    it('answers 401 with a Bearer challenge without a key, before validating the body', async () => {
      await expectUnauthorized(await send('/api/v1/users'));
      const res = await send('/api/v1/users', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      await expectUnauthorized(res);
    });

    it.each([
      ['a non-Bearer scheme', `Basic ${btoa('a:b')}`],
      ['a malformed key', 'Bearer not-a-hop-key'],
      ['an unknown key', `Bearer hop_${'x'.repeat(40)}`],
    ])('answers 401 to %s', async (_, authorization) => {
      await expectUnauthorized(await send('/api/v1/users', { headers: { Authorization: authorization } }));
    });

    it('answers 403 to viewers and editors on every users operation', async () => {
      const id = crypto.randomUUID();
      for (const key of [viewer, editor]) {
        await expectProblem(await get('/api/v1/users', key), 403);
        await expectProblem(await post({ email: email(), name: 'Nope' }, key), 403);
        await expectProblem(await get(`/api/v1/users/${id}`, key), 403);
        await expectProblem(await patch(id, { name: 'Nope' }, key), 403);
        await expectProblem(await del(id, key), 403);
      }
    });
  });

  describe('POST /api/v1/users', () => {
    it('creates a viewer by default: 201, Location, the email as given', async () => {
      const address = email('Mixed.Case');
      const res = await post({ email: address, name: 'Grace Hopper' });
      expect(res.status).toBe(201);
      const user = (await res.json()) as UserBody;
      expect(res.headers.get('location')).toBe(`/api/v1/users/${user.id}`);
      expect(user).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email: address,
        name: 'Grace Hopper',
        role: 'viewer',
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
    });

    it.each(['admin', 'editor', 'viewer'])('creates a user with role %s', async (role) => {
      expect((await create({ role })).role).toBe(role);
    });

    it('answers 409 to an email that exists in another case', async () => {
      const user = await create();
      const body = await expectProblem(await post({ email: user.email.toUpperCase(), name: 'Twin' }), 409);
      expect(body.detail).toMatch(/email/);
    });

    it.each([
      ['a missing email', { name: 'Ada' }, ['email']],
      ['an invalid email', { email: 'not-an-email', name: 'Ada' }, ['email']],
      ['a 1-character name', { email: 'a@example.com', name: 'A' }, ['name']],
      ['a name of one emoji (2 UTF-16 units, 1 character)', { email: 'a@example.com', name: '🦄' }, ['name']],
      ['a name of blanks', { email: 'a@example.com', name: '     ' }, ['name']],
      ['a 101-character name', { email: 'a@example.com', name: 'x'.repeat(101) }, ['name']],
      ['a NUL character in the name', { email: 'a@example.com', name: 'Ad\u0000a' }, ['name']],
      ['an unknown role', { email: 'a@example.com', name: 'Ada', role: 'owner' }, ['role']],
    ])('answers 422 to %s', async (_, body, fields) => {
      await expectInvalid(await post(body), fields);
    });

    it('accepts names of exactly 2 and 100 characters, counting emoji as one', async () => {
      expect((await create({ name: '🦄🦄' })).name).toBe('🦄🦄');
      expect((await create({ name: 'é'.repeat(100) })).name).toHaveLength(100);
    });
  });

  describe('GET /api/v1/users/{id}', () => {
    it('returns the user', async () => {
      const user = await create({ role: 'editor' });
      const res = await get(`/api/v1/users/${user.id}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(user);
    });

    it('answers 404 to an unknown id and 422 to a malformed one', async () => {
      await expectProblem(await get(`/api/v1/users/${crypto.randomUUID()}`), 404);
      await expectInvalid(await get('/api/v1/users/not-a-uuid'), ['id']);
    });
  });

  describe('PATCH /api/v1/users/{id}', () => {
    it('changes name, email and role and advances updatedAt', async () => {
      const user = await create();
      const address = email('renamed');
      const res = await patch(user.id, { name: 'Renamed', email: address, role: 'editor' });
      expect(res.status).toBe(200);
      const updated = (await res.json()) as UserBody;
      expect(updated).toMatchObject({
        id: user.id,
        name: 'Renamed',
        email: address,
        role: 'editor',
        createdAt: user.createdAt,
      });
      expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(user.updatedAt));
      expect(await (await get(`/api/v1/users/${user.id}`)).json()).toEqual(updated);
    });

    it('applies a role change to the user’s cached keys at once', async () => {
      const { key, userId } = await keyFor(send, 'editor');
      expect((await me(key)).user.role).toBe('editor'); // now cached in this isolate
      expect((await patch(userId, { role: 'viewer' })).status).toBe(200);
      expect((await me(key)).user.role).toBe('viewer');
      await expectProblem(await send('/api/v1/links', jsonBody('POST', key, { url: 'https://a.example' })), 403);
    });

    it('demotes an admin while another admin remains', async () => {
      const admin = await create({ role: 'admin' });
      const res = await patch(admin.id, { role: 'viewer' });
      expect(res.status).toBe(200);
      expect(((await res.json()) as UserBody).role).toBe('viewer');
    });

    it('answers 409 when taking another user’s email, whatever its case', async () => {
      const [a, b] = [await create(), await create()];
      await expectProblem(await patch(b.id, { email: a.email.toLowerCase() }), 409);
      expect(((await (await get(`/api/v1/users/${b.id}`)).json()) as UserBody).email).toBe(b.email);
    });

    it('answers 422 to an empty or invalid patch, 404 to an unknown id', async () => {
      const user = await create();
      await expectInvalid(await patch(user.id, {}), ['(root)']);
      await expectInvalid(await patch(user.id, { name: 'x', role: 'root' }), ['name', 'role']);
      await expectProblem(await patch(crypto.randomUUID(), { name: 'Nobody' }), 404);
      await expectInvalid(await patch('42', { name: 'Nobody' }), ['id']);
    });
  });

  describe('DELETE /api/v1/users/{id}', () => {
    it('deletes the user and their keys, which stop working at once', async () => {
      const { key, userId } = await keyFor(send, 'viewer');
      expect((await get('/api/v1/me', key)).status).toBe(200); // cached in this isolate
      const res = await del(userId);
      expect(res.status).toBe(204);
      expect(await res.text()).toBe('');
      await expectUnauthorized(await get('/api/v1/me', key));
      await expectProblem(await get(`/api/v1/users/${userId}`), 404);
      await expectProblem(await del(userId), 404);
    });

    it('answers 422 to a malformed id', async () => {
      await expectInvalid(await del('nope'), ['id']);
    });
  });

  describe('GET /api/v1/users', () => {
    it('pages newest first with Link: rel="next" until the last page', async () => {
      const made = [await create(), await create(), await create()].map((u) => u.id);
      const seen: string[] = [];
      let path: string | null = '/api/v1/users?limit=2';
      while (path && seen.length < 10_000) {
        const res = await get(path);
        expect(res.status).toBe(200);
        const page = (await res.json()) as ListBody;
        expect(page.items.length).toBeLessThanOrEqual(2);
        const link = res.headers.get('link');
        if (page.nextCursor) {
          expect(link).toBe(`</api/v1/users?limit=2&cursor=${page.nextCursor}>; rel="next"`);
          path = /^<([^>]+)>/.exec(link!)![1]!;
        } else {
          expect(link).toBeNull();
          path = null;
        }
        seen.push(...page.items.map((u) => u.id));
      }
      expect(new Set(seen).size).toBe(seen.length);
      // Newest first: the three appear in reverse creation order.
      const positions = made.map((id) => seen.indexOf(id));
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect([...positions].sort((a, b) => b - a)).toEqual(positions);
    });

    it('answers 422 to a bad limit or a forged cursor', async () => {
      await expectInvalid(await get('/api/v1/users?limit=0'), ['limit']);
      await expectInvalid(await get('/api/v1/users?limit=101'), ['limit']);
      await expectInvalid(await get('/api/v1/users?cursor=bm90LWEtY3Vyc29y'), ['cursor']);
    });
  });
}
