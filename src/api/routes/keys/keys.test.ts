import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, jsonBody, keyFor } from '@/test/support/accounts';
import { useLocalApp } from '@/test/support/local-app';
import { sha256Hex as hashKey } from '../../lib/hash';

// What the database holds for keys, read directly: only hashes, never secrets.

describe('API keys in the database', () => {
  const { send, db } = useLocalApp();

  it('stores the SHA-256 hash and the prefix, never the secret', async () => {
    const res = await send('/api/v1/keys', jsonBody('POST', ADMIN_KEY, { name: 'stored' }));
    const { id, key } = (await res.json()) as { id: string; key: string };
    const [row] = await db().query<Record<string, unknown>>('select * from api_keys where id = $1', [id]);
    expect(row).toMatchObject({ hash: await hashKey(key), prefix: key.slice(0, 12), name: 'stored' });
    expect(row!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(key);
    // Nowhere else either: no column of any key row holds the secret.
    const leaks = await db().query('select id from api_keys k where position($1 in k::text) > 0', [key]);
    expect(leaks).toEqual([]);
  });

  it('records revocation as revoked_at, keeping the row', async () => {
    const { key, keyId } = await keyFor(send, 'viewer');
    expect((await send(`/api/v1/keys/${keyId}`, { method: 'DELETE', headers: bearer(key) })).status).toBe(204);
    const [row] = await db().query<{ revoked_at: unknown }>('select revoked_at from api_keys where id = $1', [keyId]);
    expect(row!.revoked_at).not.toBeNull();
  });

  it('deletes a user’s keys with the user', async () => {
    const { userId } = await keyFor(send, 'editor');
    await send('/api/v1/keys', jsonBody('POST', ADMIN_KEY, { name: 'second', userId }));
    const count = async () =>
      Number(
        (await db().query<{ n: string }>('select count(*) as n from api_keys where user_id = $1', [userId]))[0]!.n,
      );
    expect(await count()).toBe(2);
    expect((await send(`/api/v1/users/${userId}`, { method: 'DELETE', headers: bearer(ADMIN_KEY) })).status).toBe(204);
    expect(await count()).toBe(0);
  });

  it('bootstraps exactly one admin from INITIAL_API_KEY, stored hashed too', async () => {
    const [admin] = await db().query<{ role: string; hash: string }>(
      "select u.role, k.hash from users u join api_keys k on k.user_id = u.id where k.name = 'initial'",
    );
    expect(admin).toEqual({ role: 'admin', hash: await hashKey(ADMIN_KEY) });
    expect((await send('/api/v1/me', { headers: bearer(ADMIN_KEY) })).status).toBe(200);
  });
});
