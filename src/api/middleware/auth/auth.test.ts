import { describe, expect, it } from 'vitest';
import { bearer, keyFor } from '@/test/support/accounts';
import { useLocalApp } from '@/test/support/local-app';

// How long another isolate trusts a key it verified: LINK_CACHE_TTL_MS,
// at most 30 s. The isolate that revokes forgets at once. Node only: two
// apps in one process are two isolates.
const TTL_MS = 1_500; // long enough that a loaded machine finishes a few requests within it
const { send, isolate } = useLocalApp({ env: { LINK_CACHE_TTL_MS: String(TTL_MS) } });

describe('verified keys across isolates', () => {
  it('stop working in the revoking isolate at once, elsewhere within the TTL', async () => {
    const { key, keyId } = await keyFor(send, 'viewer');
    const other = isolate();
    expect((await other('/api/v1/me', { headers: bearer(key) })).status).toBe(200);
    expect((await send('/api/v1/me', { headers: bearer(key) })).status).toBe(200);
    expect((await send(`/api/v1/keys/${keyId}`, { method: 'DELETE', headers: bearer(key) })).status).toBe(204);
    expect((await send('/api/v1/me', { headers: bearer(key) })).status).toBe(401);
    expect((await other('/api/v1/me', { headers: bearer(key) })).status).toBe(200); // still trusted there
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 100));
    expect((await other('/api/v1/me', { headers: bearer(key) })).status).toBe(401);
  });

  it('are not cached at all with LINK_CACHE_TTL_MS=0', async () => {
    const { key, keyId } = await keyFor(send, 'viewer');
    const uncached = isolate({ LINK_CACHE_TTL_MS: '0' });
    expect((await uncached('/api/v1/me', { headers: bearer(key) })).status).toBe(200);
    await send(`/api/v1/keys/${keyId}`, { method: 'DELETE', headers: bearer(key) });
    expect((await uncached('/api/v1/me', { headers: bearer(key) })).status).toBe(401);
  });
});
