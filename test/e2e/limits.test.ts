import http from 'node:http';
import { describe, expect, inject, it } from 'vitest';
import { bearer, keyFor } from '../support/accounts';
import { expectQuotaExceeded, rateLimits } from '../support/problem';

// Rate limits on the real servers: `next start`, `wrangler dev` and the Node
// server mode count in one store (the local server's Upstash front on the
// machine's Redis), and the client address comes from the connection,
// whatever headers say.
const { next, worker, serve } = inject('servers') as { next: string; worker: string; serve: string };
const shared = inject('sharedStore');
if (!shared) console.warn('e2e shared-limit test skipped: set REDIS_URL so both servers use one store');

const QR = '/api/v1/qr?url=https%3A%2F%2Fexample.com%2Fe2e-limits';

/** A GET from a chosen loopback source address (127.0.0.0/8 is all this machine). */
function getFrom(localAddress: string, url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Headers }>((resolve, reject) => {
    const req = http.get(url, { localAddress, headers }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          headers: new Headers(Object.entries(res.headers).map(([k, v]): [string, string] => [k, String(v)])),
        }),
      );
    });
    req.on('error', reject);
  });
}

describe.skipIf(!shared)('two servers, one store', () => {
  it("enforce one key's quota together: 600 a minute across next start, wrangler dev and npm run serve", async () => {
    const { key } = await keyFor((path, init) => fetch(next + path, init), 'viewer');
    const bases = [next, worker, serve];
    let sent = 0;
    const statuses: number[] = [];
    const run = async () => {
      while (sent < 600) {
        const base = bases[sent++ % bases.length]!;
        const res = await fetch(`${base}/api/v1/me`, { headers: bearer(key) });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
    };
    await Promise.all(Array.from({ length: 8 }, run));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    for (const base of bases) {
      await expectQuotaExceeded(await fetch(`${base}/api/v1/me`, { headers: bearer(key) }), ['key']);
    }
  }, 60_000);
});

describe.each([
  ['next start', next, '127.0.0.3', '127.0.0.4'],
  ['npm run serve', serve, '127.0.0.5', '127.0.0.6'],
])('client address on %s', (_, base, one, other) => {
  it('comes from the connection: another source address is another bucket, forged headers change nothing', async () => {
    const first = await getFrom(one, base + QR);
    const r = rateLimits(first).qr!.r;
    const forged = await getFrom(one, base + QR, {
      'X-Forwarded-For': '203.0.113.50',
      'CF-Connecting-IP': '203.0.113.51',
      'x-vercel-forwarded-for': '203.0.113.52',
      'x-hop-peer': 'guess 203.0.113.53',
    });
    expect(rateLimits(forged).qr!.r).toBe(r - 1);
    const fresh = await getFrom(other, base + QR);
    expect(rateLimits(fresh).qr!.r).toBe(119); // a bucket of its own
  });
});
