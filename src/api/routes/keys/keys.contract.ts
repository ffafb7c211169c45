import { beforeAll, describe, expect, it } from 'vitest';
import type { Send } from '@/test/contract/suite';
import { ADMIN_KEY, bearer, jsonBody, keyFor } from '@/test/support/accounts';
import { expectInvalid, expectProblem, expectUnauthorized } from '@/test/support/problem';

// The API keys API through HTTP; run in Node, the edge-runtime VM and workerd.
// That only the hash is stored is checked against the database in keys.test.ts.

type KeyBody = {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  role: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  key?: string;
};
type ListBody = { items: KeyBody[]; nextCursor: string | null };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function keysContract(send: Send) {
  const post = (key: string, body: unknown) => send('/api/v1/keys', jsonBody('POST', key, body));
  const get = (path: string, key: string) => send(path, { headers: bearer(key) });
  const revoke = (id: string, key: string) => send(`/api/v1/keys/${id}`, { method: 'DELETE', headers: bearer(key) });
  const create = async (key: string, body: Record<string, unknown> = {}): Promise<KeyBody & { key: string }> => {
    const res = await post(key, { name: 'test key', ...body });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as KeyBody & { key: string };
  };
  const list = async (path: string, key: string) => {
    const res = await get(path, key);
    expect(res.status).toBe(200);
    return { res, text: await res.clone().text(), body: (await res.json()) as ListBody };
  };
  const me = (key: string) => get('/api/v1/me', key);

  let viewer: { key: string; userId: string; keyId: string };
  let editor: { key: string; userId: string; keyId: string };
  beforeAll(async () => {
    viewer = await keyFor(send, 'viewer');
    editor = await keyFor(send, 'editor');
  });

  describe('POST /api/v1/keys', () => {
    it('creates a key for the caller and shows the secret once', async () => {
      const res = await post(viewer.key, { name: '  laptop  ' });
      expect(res.status).toBe(201);
      const created = (await res.json()) as KeyBody & { key: string };
      expect(res.headers.get('location')).toBe(`/api/v1/keys/${created.id}`);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'laptop',
        prefix: created.key.slice(0, 12),
        userId: viewer.userId,
        role: 'viewer',
        createdAt: expect.any(String),
        lastUsedAt: null,
        expiresAt: null,
        key: expect.stringMatching(/^hop_[A-Za-z0-9]{40}$/),
      });
      const who = (await (await me(created.key)).json()) as { key: { id: string }; user: { id: string } };
      expect(who).toMatchObject({ key: { id: created.id }, user: { id: viewer.userId } });
      const again = (await (await get(`/api/v1/keys/${created.id}`, viewer.key)).json()) as KeyBody;
      expect(again).not.toHaveProperty('key');
      expect(JSON.stringify(again)).not.toContain(created.key);
    });

    it('lets an admin create a key for another user, acting with that user’s role', async () => {
      const created = await create(ADMIN_KEY, { userId: editor.userId });
      expect(created).toMatchObject({ userId: editor.userId, role: 'editor' });
      expect(((await (await me(created.key)).json()) as { user: { role: string } }).user.role).toBe('editor');
    });

    it('answers 403 when a non-admin names another user, and accepts their own id', async () => {
      const body = await expectProblem(await post(editor.key, { name: 'x', userId: viewer.userId }), 403);
      expect(body.detail).toMatch(/admin/);
      expect((await create(editor.key, { userId: editor.userId.toUpperCase() })).userId).toBe(editor.userId);
    });

    it('answers 422 to an unknown userId', async () => {
      await expectInvalid(await post(ADMIN_KEY, { name: 'x', userId: crypto.randomUUID() }), ['userId']);
    });

    it.each([
      ['a missing name', {}, ['name']],
      ['an empty name', { name: ' ' }, ['name']],
      ['a 101-character name', { name: 'k'.repeat(101) }, ['name']],
      ['a NUL character in the name', { name: 'k\u0000' }, ['name']],
      ['a malformed userId', { name: 'k', userId: 'me' }, ['userId']],
      ['an expiresAt in the past', { name: 'k', expiresAt: new Date(Date.now() - 1000).toISOString() }, ['expiresAt']],
      ['an expiresAt that is not a date-time', { name: 'k', expiresAt: 'tomorrow' }, ['expiresAt']],
    ])('answers 422 to %s', async (_, body, fields) => {
      await expectInvalid(await post(viewer.key, body), fields);
    });

    it('makes a key that expires: it works until expiresAt, then gets 401', async () => {
      const expiresAt = new Date(Date.now() + 2_000).toISOString();
      const created = await create(viewer.key, { expiresAt });
      expect(created.expiresAt).toBe(expiresAt);
      const before = await me(created.key);
      expect(before.status).toBe(200);
      expect(((await before.json()) as { key: { expiresAt: string } }).key.expiresAt).toBe(expiresAt);
      await sleep(Date.parse(expiresAt) - Date.now() + 100);
      await expectUnauthorized(await me(created.key));
      // Still listed, so its owner sees why it stopped working.
      expect((await (await get(`/api/v1/keys/${created.id}`, viewer.key)).json()) as KeyBody).toMatchObject({
        expiresAt,
      });
    }, 10_000);
  });

  describe('GET /api/v1/keys', () => {
    it('shows non-admins only their own keys, without secrets or hashes', async () => {
      const owner = await keyFor(send, 'editor');
      const made = [await create(owner.key), await create(owner.key)];
      const { body, text } = await list('/api/v1/keys?limit=100', owner.key);
      expect(body.items.map((k) => k.id).sort()).toEqual([owner.keyId, ...made.map((k) => k.id)].sort());
      for (const item of body.items) {
        expect(Object.keys(item).sort()).toEqual(
          ['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'prefix', 'role', 'userId'].sort(),
        );
      }
      for (const secret of [owner.key, ...made.map((k) => k.key)]) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/[0-9a-f]{64}/); // no SHA-256 hex anywhere
    });

    it('records when a key was last used', async () => {
      const owner = await keyFor(send, 'viewer');
      const before = Date.now();
      expect((await me(owner.key)).status).toBe(200); // the runners await the deferred write
      const { body } = await list('/api/v1/keys', owner.key);
      expect(Date.parse(body.items[0]!.lastUsedAt!)).toBeGreaterThanOrEqual(before - 1_000);
    });

    it('lets an admin filter by userId, and refuses that filter to others with 403', async () => {
      const { body } = await list(`/api/v1/keys?userId=${viewer.userId}&limit=100`, ADMIN_KEY);
      expect(body.items.length).toBeGreaterThan(0);
      expect(body.items.every((k) => k.userId === viewer.userId)).toBe(true);
      expect(body.items.map((k) => k.id)).toContain(viewer.keyId);
      await expectProblem(await get(`/api/v1/keys?userId=${viewer.userId}`, editor.key), 403);
      expect((await get(`/api/v1/keys?userId=${editor.userId}`, editor.key)).status).toBe(200);
    });

    it('shows an admin everyone’s keys', async () => {
      const fresh = await create(viewer.key);
      const { body } = await list('/api/v1/keys?limit=100', ADMIN_KEY);
      expect(body.items.map((k) => k.id)).toContain(fresh.id);
    });

    it('pages newest first with Link: rel="next"', async () => {
      const owner = await keyFor(send, 'viewer');
      const [second, third] = [await create(owner.key), await create(owner.key)];
      const first = await list('/api/v1/keys?limit=2', owner.key);
      expect(first.body.items.map((k) => k.id)).toEqual([third.id, second.id]);
      const link = first.res.headers.get('link')!;
      expect(link).toBe(`</api/v1/keys?limit=2&cursor=${first.body.nextCursor}>; rel="next"`);
      const next = await list(/^<([^>]+)>/.exec(link)![1]!, owner.key);
      expect(next.body).toEqual({ items: [expect.objectContaining({ id: owner.keyId })], nextCursor: null });
      expect(next.res.headers.get('link')).toBeNull();
    });

    it('needs a key', async () => {
      await expectUnauthorized(await send('/api/v1/keys'));
    });
  });

  describe('GET /api/v1/keys/{id}', () => {
    it('returns your key, hides another user’s with 404, and validates the id', async () => {
      expect(((await (await get(`/api/v1/keys/${viewer.keyId}`, viewer.key)).json()) as KeyBody).id).toBe(viewer.keyId);
      expect((await get(`/api/v1/keys/${viewer.keyId}`, ADMIN_KEY)).status).toBe(200);
      await expectProblem(await get(`/api/v1/keys/${viewer.keyId}`, editor.key), 404);
      await expectProblem(await get(`/api/v1/keys/${crypto.randomUUID()}`, editor.key), 404);
      await expectInvalid(await get('/api/v1/keys/123', editor.key), ['id']);
    });
  });

  describe('DELETE /api/v1/keys/{id}', () => {
    it('revokes your own key: 204, then 401 at once, gone from the list', async () => {
      const spare = await create(viewer.key);
      expect((await me(spare.key)).status).toBe(200); // cached in this isolate
      const res = await revoke(spare.id, viewer.key);
      expect(res.status).toBe(204);
      await expectUnauthorized(await me(spare.key));
      await expectProblem(await get(`/api/v1/keys/${spare.id}`, viewer.key), 404);
      const { body } = await list('/api/v1/keys?limit=100', viewer.key);
      expect(body.items.map((k) => k.id)).not.toContain(spare.id);
      await expectProblem(await revoke(spare.id, viewer.key), 404);
    });

    it('lets a key revoke itself', async () => {
      const spare = await create(editor.key);
      expect((await revoke(spare.id, spare.key)).status).toBe(204);
      await expectUnauthorized(await me(spare.key));
    });

    it('answers 404 to a non-admin revoking another user’s key, which keeps working', async () => {
      await expectProblem(await revoke(viewer.keyId, editor.key), 404);
      expect((await me(viewer.key)).status).toBe(200);
    });

    it('lets an admin revoke anyone’s key', async () => {
      const target = await keyFor(send, 'editor');
      expect((await me(target.key)).status).toBe(200);
      expect((await revoke(target.keyId, ADMIN_KEY)).status).toBe(204);
      await expectUnauthorized(await me(target.key));
    });

    it('answers 422 to a malformed id and 404 to an unknown one', async () => {
      await expectInvalid(await revoke('x', viewer.key), ['id']);
      await expectProblem(await revoke(crypto.randomUUID(), ADMIN_KEY), 404);
    });
  });
}
