import { beforeAll, describe, expect, it } from 'vitest';
import type { Send } from '@/test/contract/suite';
import { bearer, keyFor } from '@/test/support/accounts';
import { expectQuotaExceeded, expectUnauthorized, rateLimits } from '@/test/support/problem';
import { fromAddress, uniqueAddress } from '@/test/support/store';

// Rate limits through HTTP, with the default quotas, in every runtime (with
// the Upstash store when the run has a Redis, else each app's memory). Each
// test uses keys and client addresses of its own.

const BAD_KEY = `hop_${'x'.repeat(40)}`;
const QR = '/api/v1/qr?url=https%3A%2F%2Fexample.com%2Flimits';

/** Runs `count` requests, `concurrency` at a time. */
async function many<T>(count: number, concurrency: number, request: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await request(i);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

export function rateLimitContract(send: Send) {
  let viewer: string;
  beforeAll(async () => {
    viewer = (await keyFor(send, 'viewer')).key;
  });

  const me = (key: string, address = uniqueAddress()) =>
    send('/api/v1/me', { headers: bearer(key, fromAddress(address)) });

  describe('authenticated operations', () => {
    it("carry every policy that applies, and what is left of the key's quota", async () => {
      const { key } = await keyFor(send, 'viewer');
      const first = await me(key);
      expect(first.status).toBe(200);
      expect(first.headers.get('ratelimit-policy')).toBe('"key";q=600;w=60, "failed-auth";q=30;w=60');
      const limits = rateLimits(first);
      expect(limits.key!.r).toBe(599);
      expect(limits.key!.t).toBeGreaterThanOrEqual(59);
      expect(limits.key!.t).toBeLessThanOrEqual(60);
      expect(limits['failed-auth']).toMatchObject({ r: 30 });
      const second = await me(key);
      expect(rateLimits(second).key!.r).toBe(598);
    });

    it('count 600 requests of a key per minute, whichever address they come from; the 601st gets 429', async () => {
      const { key } = await keyFor(send, 'viewer');
      const statuses = await many(600, 10, () => me(key).then((res) => res.status));
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      const over = await me(key);
      const body = await expectQuotaExceeded(over, ['key']);
      expect(body.detail).toMatch(/600 requests per 60 s per API key/);
      expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(over.headers.get('ratelimit-policy')).toContain('"key";q=600;w=60');
      // Another key is not affected.
      expect((await me(viewer)).status).toBe(200);
    });
  });

  describe('failed authentications', () => {
    it('count against the client address: 30 a minute, then 429 for every key from there, valid ones too', async () => {
      const address = uniqueAddress();
      for (let i = 1; i <= 30; i++) {
        const res = await me(BAD_KEY, address);
        await expectUnauthorized(res);
        expect(res.headers.get('ratelimit-policy')).toBe('"failed-auth";q=30;w=60');
        expect(rateLimits(res)['failed-auth']!.r).toBe(30 - i);
      }
      await expectQuotaExceeded(await me(BAD_KEY, address), ['failed-auth']);
      // A valid key from the same address learns nothing either.
      await expectQuotaExceeded(await me(viewer, address), ['failed-auth']);
      // Other addresses are not affected.
      expect((await me(viewer)).status).toBe(200);
      await expectUnauthorized(await me(BAD_KEY));
    });

    it('do not count a missing or malformed key (no lookup happens)', async () => {
      const address = uniqueAddress();
      const missing = await send('/api/v1/me', { headers: fromAddress(address) });
      await expectUnauthorized(missing);
      expect(missing.headers.get('ratelimit')).toBeNull();
      await expectUnauthorized(await send('/api/v1/me', { headers: bearer('nope', fromAddress(address)) }));
      const counted = await me(BAD_KEY, address);
      expect(rateLimits(counted)['failed-auth']!.r).toBe(29);
    });
  });

  describe('public QR codes', () => {
    it('are limited per client address: 120 a minute', async () => {
      const address = uniqueAddress();
      const res = await send(QR, { headers: fromAddress(address) });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-policy')).toBe('"qr";q=120;w=60');
      expect(rateLimits(res).qr).toMatchObject({ r: 119 });
      const other = await send(QR, { headers: fromAddress(uniqueAddress()) });
      expect(rateLimits(other).qr).toMatchObject({ r: 119 });
    });

    it('a spoofed address header does not move a client into a fresh bucket', async () => {
      const address = uniqueAddress();
      const first = await send(QR, { headers: fromAddress(address) });
      expect(rateLimits(first).qr!.r).toBe(119);
      const spoofed = await send(QR, {
        headers: {
          ...fromAddress(address),
          // Only the last hop is the trusted proxy's (TRUSTED_PROXIES=1); Workers use CF-Connecting-IP.
          'X-Forwarded-For': `203.0.113.7, ${address}`,
          'X-Real-IP': '203.0.113.8',
          'True-Client-IP': '203.0.113.9',
          'x-vercel-forwarded-for': '203.0.113.10',
          Forwarded: 'for=203.0.113.11',
        },
      });
      expect(rateLimits(spoofed).qr!.r).toBe(118);
    });

    it('share a bucket within one IPv6 /64', async () => {
      const address = uniqueAddress();
      const neighbour = address.replace(/::[0-9a-f]+$/, '::ffff');
      await send(QR, { headers: fromAddress(address) });
      const res = await send(QR, { headers: fromAddress(neighbour) });
      expect(rateLimits(res).qr!.r).toBe(118);
    });
  });

  it('leave redirects, health and the docs alone', async () => {
    for (const path of ['/no-such-slug-here', '/api/health', '/api/openapi.json']) {
      const res = await send(path, { headers: { ...fromAddress(uniqueAddress()), Accept: 'application/json' } });
      expect(res.headers.get('ratelimit-policy'), path).toBeNull();
      expect(res.headers.get('ratelimit'), path).toBeNull();
    }
  });

  it('are documented: 429 with Retry-After, and the RateLimit fields, on every limited operation', async () => {
    const doc = await (await send('/api/openapi.json')).json();
    const operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );
    const limited = operations.filter(({ op }) => op.responses['429']);
    expect(limited.map(({ op }) => op.operationId)).toContain('getQrCode');
    for (const { op } of operations) {
      const isLimited = op.security?.length > 0 || ['getQrCode', 'createReport'].includes(op.operationId);
      expect(Boolean(op.responses['429']), op.operationId).toBe(isLimited);
      if (!isLimited) continue;
      const tooMany = op.responses['429'];
      expect(tooMany.headers['Retry-After'].required, op.operationId).toBe(true);
      expect(tooMany.content['application/problem+json'].examples['quota-exceeded']).toBeDefined();
      for (const response of Object.values(op.responses as Record<string, any>)) {
        expect(response.headers?.['RateLimit-Policy'], op.operationId).toBeDefined();
        expect(response.headers?.RateLimit, op.operationId).toBeDefined();
      }
    }
    expect(doc.components.schemas.Problem.description).toContain(
      'https://iana.org/assignments/http-problem-types#quota-exceeded',
    );
  });
}
