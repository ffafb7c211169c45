import { describe, expect, it } from 'vitest';
import type { Send } from '@/test/contract/suite';
import { ADMIN_KEY, bearer, keyFor } from '@/test/support/accounts';
import { expectUnauthorized } from '@/test/support/problem';

// GET /api/v1/me through HTTP; run in Node, the edge-runtime VM and workerd.

type MeBody = {
  user: { id: string; email: string; name: string; role: string };
  key: { id: string; name: string; prefix: string; expiresAt: string | null };
  location: { country: string | null; region: string | null; city: string | null };
};

export function meContract(send: Send) {
  const me = (key: string, headers: Record<string, string> = {}) =>
    send('/api/v1/me', { headers: bearer(key, headers) });

  it('works with the bootstrap admin key (INITIAL_API_KEY)', async () => {
    const res = await me(ADMIN_KEY);
    expect(res.status).toBe(200);
    const body = (await res.json()) as MeBody;
    expect(body.user).toMatchObject({ email: 'admin@hop.invalid', role: 'admin' });
    expect(body.key).toMatchObject({ name: 'initial', prefix: ADMIN_KEY.slice(0, 12), expiresAt: null });
  });

  it('describes the caller’s user and key, privately', async () => {
    const { key, userId, keyId } = await keyFor(send, 'editor');
    const res = await me(key);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const body = (await res.json()) as MeBody;
    expect(body).toEqual({
      user: {
        id: userId,
        email: expect.stringMatching(/^editor[0-9a-f]{12}@example\.com$/),
        name: 'Test editor',
        role: 'editor',
      },
      key: { id: keyId, name: 'editor key', prefix: key.slice(0, 12), expiresAt: null },
      location: { country: null, region: null, city: null },
    });
    expect(JSON.stringify(body)).not.toContain(key);
  });

  it('reports the location the platform gives (Vercel headers here)', async () => {
    const { key } = await keyFor(send, 'viewer');
    const res = await me(key, {
      'x-vercel-ip-country': 'BR',
      'x-vercel-ip-country-region': 'SP',
      'x-vercel-ip-city': 'S%C3%A3o%20Paulo',
    });
    expect(((await res.json()) as MeBody).location).toEqual({ country: 'BR', region: 'SP', city: 'São Paulo' });
  });

  it('answers 401 without a key', async () => {
    await expectUnauthorized(await send('/api/v1/me'));
  });

  describe.each([['viewer'], ['editor'], ['admin']] as const)('as %s', (role) => {
    it('is allowed', async () => {
      const { key } = await keyFor(send, role);
      expect(((await (await me(key)).json()) as MeBody).user.role).toBe(role);
    });
  });
}
