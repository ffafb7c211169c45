import { afterEach, describe, expect, it, vi } from 'vitest';
import { bearer, keyFor } from '@/test/support/accounts';
import { useLocalApp } from '@/test/support/local-app';
import { expectQuotaExceeded, rateLimits } from '@/test/support/problem';
import { fromAddress, uniqueAddress } from '@/test/support/store';
import { createApp } from '../../app';
import { PEER_ADDRESS } from '../../lib/platform';
import { STORE_BACKOFF_MS } from './rate-limiter';

// Node-only: several isolates on one store, round trips counted at the local
// server, the store made slow or unreachable, logs read.

const REDIS = Boolean(process.env.REDIS_URL);
if (!REDIS) console.warn('rate limits on the shared store skipped: set REDIS_URL (e.g. redis://127.0.0.1:6379)');

const QR = '/api/v1/qr?url=https%3A%2F%2Fexample.com%2Frl';
const BAD_KEY = `hop_${'y'.repeat(40)}`;

afterEach(() => vi.restoreAllMocks());

/** Log lines the app wrote while `work` ran (LOG_LEVEL must let them through). */
async function logsOf(work: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const keep = (line: unknown) => void lines.push(String(line));
  const error = vi.spyOn(console, 'error').mockImplementation(keep);
  const info = vi.spyOn(console, 'log').mockImplementation(keep);
  try {
    await work();
  } finally {
    error.mockRestore();
    info.mockRestore();
  }
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

describe.skipIf(!REDIS)('rate limits on the shared store', () => {
  const app = useLocalApp({ env: { RATE_LIMIT_QR_PER_MIN: '4' } });

  it('are one limit for every isolate: exact across them', async () => {
    const isolates = [app.send, app.isolate(), app.isolate()];
    const address = uniqueAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await isolates[i % 3]!(QR, { headers: fromAddress(address) });
      statuses.push(res.status);
      if (i < 4) expect(rateLimits(res).qr!.r).toBe(3 - i);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('cost one store round trip per request, two quotas or one, and none once known over', async () => {
    const server = app.server();
    const { key } = await keyFor(app.send, 'viewer');
    const address = uniqueAddress();
    await app.send('/api/v1/me', { headers: bearer(key, fromAddress(address)) }); // the key is cached now
    server.resetStats();
    const me = await app.send('/api/v1/me', { headers: bearer(key, fromAddress(address)) });
    expect(me.status).toBe(200);
    // The key's quota and the address's failed authentications: two scripts, one request.
    expect(server.stats()).toMatchObject({ storeRequests: 1, storeCommands: 2, sqlRequests: 0 });

    server.resetStats();
    await app.send('/api/v1/me', { headers: bearer(BAD_KEY, fromAddress(address)) });
    expect(server.stats()).toMatchObject({ storeRequests: 1, storeCommands: 1, sqlRequests: 1 });

    const flood = uniqueAddress();
    for (let i = 0; i < 4; i++) await app.send(QR, { headers: fromAddress(flood) });
    server.resetStats();
    await expectQuotaExceeded(await app.send(QR, { headers: fromAddress(flood) }), ['qr']); // learns it's over
    expect(server.stats().storeRequests).toBe(1);
    for (let i = 0; i < 3; i++) await expectQuotaExceeded(await app.send(QR, { headers: fromAddress(flood) }), ['qr']);
    expect(server.stats().storeRequests).toBe(1); // known in this isolate: no more round trips
  });

  const useLimitsOf = (send: typeof app.send) => (address: string) =>
    send('/api/v1/me', { headers: bearer(BAD_KEY, fromAddress(address)) });

  it('stop failed authentications from one address before the database, once known', async () => {
    const local = useLimitsOf(app.isolate({ RATE_LIMIT_AUTH_FAILURES_PER_MIN: '2' }));
    const address = uniqueAddress();
    await local(address);
    await local(address);
    await expectQuotaExceeded(await local(address), ['failed-auth']);
    app.server().resetStats();
    await expectQuotaExceeded(await local(address), ['failed-auth']);
    expect(app.server().stats()).toMatchObject({ storeRequests: 0, sqlRequests: 0 });
  });

  it('let requests through when the store is slower than RATE_LIMIT_TIMEOUT_MS, log it, and leave it alone a while', async () => {
    const send = app.isolate({ LOG_LEVEL: 'error' });
    const server = app.server();
    server.setStoreFault({ mode: 'slow', delayMs: 1_000 });
    try {
      const logs = await logsOf(async () => {
        const started = Date.now();
        const res = await send(QR, { headers: fromAddress(uniqueAddress()) });
        expect(res.status).toBe(200);
        expect(Date.now() - started).toBeLessThan(800); // 200 ms, not the store's 1,000
        expect(res.headers.get('ratelimit')).toBeNull(); // nothing known to tell
        expect(res.headers.get('ratelimit-policy')).toBe('"qr";q=4;w=60');
        // Meanwhile the instance does not ask the store at all.
        server.resetStats();
        const again = await send(QR, { headers: fromAddress(uniqueAddress()) });
        expect(again.status).toBe(200);
        expect(server.stats().storeRequests).toBe(0);
      });
      expect(logs).toContainEqual(
        expect.objectContaining({ level: 'error', msg: 'rate limit store unavailable: requests are allowed' }),
      );
      expect(logs.filter((l) => l.msg === 'rate limit store unavailable: requests are allowed')).toHaveLength(1);
    } finally {
      server.clearStoreFault();
    }
  });

  it('let requests through when the store is down, authenticated ones too', async () => {
    const send = app.isolate();
    const { key } = await keyFor(app.send, 'viewer');
    const server = app.server();
    for (const mode of ['destroy', 'unavailable'] as const) {
      server.setStoreFault({ mode });
      try {
        const fresh = app.isolate({ LOG_LEVEL: 'error' });
        const logs = await logsOf(async () => {
          const res = await fresh('/api/v1/me', { headers: bearer(key, fromAddress(uniqueAddress())) });
          expect(res.status, mode).toBe(200);
          expect(res.headers.get('ratelimit')).toBeNull();
        });
        expect(logs.map((l) => l.msg)).toContain('rate limit store unavailable: requests are allowed');
      } finally {
        server.clearStoreFault();
      }
    }
    // An isolate that never saw the failure counts again at once.
    const res = await send('/api/v1/me', { headers: bearer(key, fromAddress(uniqueAddress())) });
    expect(rateLimits(res).key).toBeDefined();
  });

  it(`count again once the store is back, after ${STORE_BACKOFF_MS / 1000} s`, async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const send = app.isolate();
      const server = app.server();
      server.setStoreFault({ mode: 'unavailable' });
      await send(QR, { headers: fromAddress(uniqueAddress()) });
      server.clearStoreFault();
      expect(rateLimits(await send(QR, { headers: fromAddress(uniqueAddress()) })).qr).toBeUndefined();
      vi.setSystemTime(Date.now() + STORE_BACKOFF_MS + 1);
      expect(rateLimits(await send(QR, { headers: fromAddress(uniqueAddress()) })).qr).toMatchObject({ r: 3 });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('rate limits without a store', () => {
  const app = useLocalApp({
    env: { UPSTASH_REDIS_REST_URL: '', UPSTASH_REDIS_REST_TOKEN: '', RATE_LIMIT_QR_PER_MIN: '2' },
  });

  it('count per instance, and say so once, at the first request', async () => {
    const logs = await logsOf(async () => {
      const send = app.isolate({ LOG_LEVEL: 'info' });
      for (let i = 0; i < 3; i++) await send('/api/health');
    });
    expect(logs.filter((l) => String(l.msg).startsWith('rate limits are per instance'))).toHaveLength(1);
    const [a, b] = [app.isolate(), app.isolate()];
    const address = uniqueAddress();
    const statuses = [];
    for (const send of [a, a, a, b]) statuses.push((await send(QR, { headers: fromAddress(address) })).status);
    expect(statuses).toEqual([200, 200, 429, 200]); // b has its own count
    expect(app.server().stats().storeRequests).toBe(0);
  });

  it('RATE_LIMITS=false turns them off', async () => {
    const send = app.isolate({ RATE_LIMITS: 'false' });
    const address = uniqueAddress();
    for (let i = 0; i < 4; i++) {
      const res = await send(QR, { headers: fromAddress(address) });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-policy')).toBeNull();
    }
  });

  describe('the client address', () => {
    const qr = async (send: typeof app.send, headers: Record<string, string>, init: RequestInit = {}) =>
      rateLimits(await send(QR, { ...init, headers })).qr!.r;

    it('ignores X-Forwarded-For unless TRUSTED_PROXIES says proxies write it', async () => {
      const send = app.isolate({ TRUSTED_PROXIES: '0', RATE_LIMIT_QR_PER_MIN: '100' });
      expect(await qr(send, { 'X-Forwarded-For': uniqueAddress() })).toBe(99);
      expect(await qr(send, { 'X-Forwarded-For': uniqueAddress() })).toBe(98); // one shared "unknown" bucket
      expect(await qr(send, { 'CF-Connecting-IP': uniqueAddress() })).toBe(97); // not on Workers: ignored
      expect(await qr(send, { 'x-vercel-forwarded-for': uniqueAddress() })).toBe(96); // not on Vercel: ignored
    });

    it('takes the n-th hop from the right with TRUSTED_PROXIES=n', async () => {
      const send = app.isolate({ TRUSTED_PROXIES: '2', RATE_LIMIT_QR_PER_MIN: '100' });
      const client = uniqueAddress();
      expect(await qr(send, { 'X-Forwarded-For': `${client}, 10.0.0.1` })).toBe(99);
      expect(await qr(send, { 'X-Forwarded-For': `198.51.100.9, ${client}, 10.0.0.2` })).toBe(98);
    });

    it("takes Vercel's header on Vercel", async () => {
      const send = app.isolate({ VERCEL: '1', RATE_LIMIT_QR_PER_MIN: '100' });
      const client = uniqueAddress();
      expect(await qr(send, { 'x-vercel-forwarded-for': client, 'X-Forwarded-For': uniqueAddress() })).toBe(99);
      expect(await qr(send, { 'x-vercel-forwarded-for': client, 'X-Forwarded-For': uniqueAddress() })).toBe(98);
    });

    it("takes the peer Next's own server saw (the Node guard), which no header changes", async () => {
      const fixture = createApp();
      const env = { ...app.env(), RATE_LIMIT_QR_PER_MIN: '100', TRUSTED_PROXIES: '0' };
      const fromPeer = async (peer: string, headers: Record<string, string> = {}) => {
        const request = new Request(`http://hop.test${QR}`, { headers });
        Object.defineProperty(request, PEER_ADDRESS, { value: peer });
        return rateLimits(await fixture.fetch(request, env)).qr!.r;
      };
      expect(await fromPeer('::ffff:203.0.113.20')).toBe(99);
      expect(await fromPeer('203.0.113.20', { 'X-Forwarded-For': '198.51.100.1' })).toBe(98);
      expect(await fromPeer('203.0.113.21')).toBe(99);
    });
  });
});
