import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import { startLocalDb, type LocalDb } from '../../../localdb';

// Health against a local Neon server we can take down and bring back.
let server: LocalDb;
const app = createApp();
let env: Record<string, string>;

beforeAll(async () => {
  server = await startLocalDb({ dataDir: null });
  env = { DATABASE_URL: server.databaseUrl, LOG_LEVEL: 'silent', DB_QUERY_TIMEOUT_MS: '300' };
});
afterAll(() => server.close());

async function health(overrides: Record<string, string> = {}) {
  const started = performance.now();
  const res = await app.request('/api/health', {}, { ...env, ...overrides });
  return { res, ms: performance.now() - started, body: await res.json() };
}

describe('GET /api/health with a database', () => {
  it('reports db ok after a real query, and no process figures outside the Node server mode', async () => {
    const { res, body } = await health();
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', db: 'ok' });
    expect(body).not.toHaveProperty('uptimeSeconds');
    expect(body).not.toHaveProperty('clickBuffer');
  });

  it.each(['destroy', 'unavailable'] as const)(
    'answers 503 with Retry-After while the database is down (%s), then recovers by itself',
    async (mode) => {
      server.pauseBackend(mode);
      try {
        const { res, body } = await health();
        expect(res.status).toBe(503);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(body).toMatchObject({ status: 503, db: 'unavailable' });
        expect(JSON.stringify(body)).not.toContain(server.databaseUrl);
      } finally {
        server.resumeBackend();
      }
      expect((await health()).res.status).toBe(200);
    },
  );

  describe('against a database that never answers', () => {
    let blackhole: Server;
    let port: number;
    beforeAll(async () => {
      blackhole = createServer(() => {}); // accepts, then says nothing
      await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
      port = (blackhole.address() as { port: number }).port;
    });
    afterAll(() => {
      blackhole.close();
    });

    it('gives up after DB_QUERY_TIMEOUT_MS with 503 instead of hanging', async () => {
      const { res, ms, body } = await health({ DATABASE_URL: `postgresql://hop:hop@localhost:${port}/hop` });
      expect(res.status).toBe(503);
      expect(body.db).toBe('unavailable');
      expect(ms).toBeGreaterThanOrEqual(250);
      expect(ms).toBeLessThan(3_000);
    });
  });

  it('answers 503 when nothing listens at all', async () => {
    const { res } = await health({ DATABASE_URL: 'postgresql://hop:hop@localhost:1/hop' });
    expect(res.status).toBe(503);
  });
});
