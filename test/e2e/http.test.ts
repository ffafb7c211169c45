import { describe, expect, inject, it } from 'vitest';
import { ALLOWED_ORIGIN, contractSuite } from '../contract/suite';

// The same HTTP contract against a real `next start` and a real `wrangler dev`.
const servers = inject('servers');
const dbControl = inject('dbControl');

describe.each(Object.entries(servers))('e2e: %s', (_, base) => {
  contractSuite((path, init) => fetch(base + path, { redirect: 'manual', ...init }), { fixtures: false });

  it('serves the Swagger UI assets from its own origin', async () => {
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'init.js']) {
      const res = await fetch(`${base}/swagger-ui/${asset}`);
      expect(res.status, asset).toBe(200);
      expect((await res.arrayBuffer()).byteLength, asset).toBeGreaterThan(100);
    }
  });
});

// Requests whose answers must be identical on Next and on Workers.
const PARITY: [string, RequestInit?][] = [
  ['/api/health'],
  ['/api/openapi.json'],
  ['/api/docs'],
  ['/api/v1/qr?url=https%3A%2F%2Fexample.com&size=128'],
  ['/api/v1/qr?url=ftp%3A%2F%2Fexample.com&size=9'],
  ['/api/nothing-here'],
  ['/no-such-short-link', { headers: { Accept: 'application/json' } }],
  ['/no-such-short-link', { headers: { Accept: 'text/html' } }],
  ['/no-such-short-link', { method: 'POST' }],
  ['/api/health', { method: 'POST' }],
  ['/api/v1/links', { method: 'PROPFIND' }],
  ['/some-slug', { method: 'PURGE' }],
  ['/api/health', { method: 'OPTIONS', headers: { Origin: ALLOWED_ORIGIN, 'Access-Control-Request-Method': 'GET' } }],
  [
    '/api/health',
    { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' } },
  ],
];

const HEADERS = [
  'content-type',
  'allow',
  'access-control-allow-origin',
  'access-control-allow-methods',
  'cache-control',
  'etag',
];

async function snapshot(base: string, path: string, init?: RequestInit) {
  const res = await fetch(base + path, { ...init, headers: { 'X-Request-Id': 'parity-check', ...init?.headers } });
  const body = (await res.text()).replace(/"requestId":"[^"]*"/, '');
  return {
    status: res.status,
    requestId: res.headers.get('x-request-id'),
    headers: Object.fromEntries(HEADERS.map((h) => [h, res.headers.get(h)])),
    body,
  };
}

describe('e2e: Next and Workers answer alike', () => {
  it.each(PARITY)('%s %o', async (path, init) => {
    const [next, worker] = await Promise.all([
      snapshot(servers.next!, path, init),
      snapshot(servers.worker!, path, init),
    ]);
    expect(next.requestId).toBe('parity-check');
    expect(worker).toEqual(next);
  });
});

describe('e2e: database outage', () => {
  it('turns health into 503 while the database is down, and back to 200 when it returns', async () => {
    await fetch(`${dbControl}/pause`, { method: 'POST' });
    try {
      for (const base of Object.values(servers)) {
        const res = await fetch(`${base}/api/health`);
        expect(res.status, base).toBe(503);
        expect(res.headers.get('retry-after'), base).toMatch(/^\d+$/);
        expect(await res.json()).toMatchObject({ status: 503, db: 'unavailable' });
      }
    } finally {
      await fetch(`${dbControl}/resume`, { method: 'POST' });
    }
    for (const base of Object.values(servers)) {
      const res = await fetch(`${base}/api/health`);
      expect(res.status, base).toBe(200);
      expect(await res.json()).toMatchObject({ db: 'ok' });
    }
  });
});
