// Conformance of the local server's Upstash REST front with the real
// `@upstash/redis` and `@upstash/ratelimit`, against the Redis in REDIS_URL
// (CI: redis://127.0.0.1:6379). Every key lives under a prefix of its own.
import { randomUUID } from 'node:crypto';
import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis/cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDb, startLocalDb } from './index';
import { localDbControl } from './control-client';
import { redisScript } from './upstash-rest';

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) console.warn('Upstash REST conformance skipped: set REDIS_URL (e.g. redis://127.0.0.1:6379)');

describe('redisScript', () => {
  it('drops shebang flags Redis does not know, keeps the rest', () => {
    expect(redisScript('#!lua flags=allow-key-locking\nreturn 1')).toBe('#!lua\nreturn 1');
    expect(redisScript('#!lua flags=no-writes,allow-key-locking\nreturn 1')).toBe('#!lua flags=no-writes\nreturn 1');
    expect(redisScript('#!lua flags=no-writes\nreturn 1')).toBeNull();
    expect(redisScript('return 1')).toBeNull();
  });
});

describe.skipIf(!REDIS_URL)('Upstash REST protocol with the real clients', () => {
  let db: LocalDb;
  const prefix = `hop-test:${randomUUID()}`;
  const key = (name: string) => `${prefix}:${name}`;
  const client = (options: Partial<ConstructorParameters<typeof Redis>[0]> = {}) =>
    new Redis({
      url: db.upstash!.url,
      token: db.upstash!.token,
      enableTelemetry: false,
      retry: { retries: 0 },
      ...options,
    });

  beforeAll(async () => {
    db = await startLocalDb({ dataDir: null, redisUrl: REDIS_URL });
  }, 60_000);
  afterAll(async () => {
    if (!db) return;
    db.clearStoreFault();
    const redis = client();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await db.close();
  });

  it('runs single commands: strings, numbers, hashes, nil, with and without base64', async () => {
    for (const redis of [client(), client({ responseEncoding: false })]) {
      expect(await redis.set(key('s'), 'héllo ✓ "quoted"')).toBe('OK');
      expect(await redis.get(key('s'))).toBe('héllo ✓ "quoted"');
      expect(await redis.get(key('missing'))).toBeNull();
      expect(await redis.incrby(key('n'), 5)).toBeGreaterThanOrEqual(5);
      expect(await redis.hset(key('h'), { a: 1, b: 'two' })).toBeGreaterThanOrEqual(0);
      expect(await redis.hgetall(key('h'))).toEqual({ a: 1, b: 'two' });
      await redis.set(key('json'), { nested: [1, 'x'] });
      expect(await redis.get(key('json'))).toEqual({ nested: [1, 'x'] });
      expect(await redis.exists(key('s'), key('missing'))).toBe(1);
      expect(await redis.ping()).toBe('PONG');
    }
  });

  it('answers a Redis error with the message the client raises', async () => {
    const redis = client();
    await redis.set(key('str'), 'x');
    await expect(redis.incr(key('str'))).rejects.toThrow(/ERR value is not an integer/);
    await expect(redis.eval('return redis.call("NOPE")', [], [])).rejects.toThrow(/Unknown Redis command/i);
  });

  it('refuses a wrong token with 401, and commands that hold connection state', async () => {
    await expect(client({ token: 'wrong' }).get(key('s'))).rejects.toThrow(/Unauthorized/);
    const res = await fetch(db.upstash!.url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${db.upstash!.token}` },
      body: JSON.stringify(['SELECT', '1']),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "ERR Command is not available: 'SELECT'" });
  });

  it('runs a pipeline in one round trip, with an error in its place', async () => {
    const redis = client();
    db.resetStats();
    const results = await redis.pipeline().set(key('p1'), 'one').get(key('p1')).incr(key('p2')).exec();
    expect(results).toEqual(['OK', 'one', 1]);
    expect(db.stats()).toMatchObject({ storeRequests: 1, storeCommands: 3 });
    await redis.set(key('p3'), 'text');
    const mixed = await redis.pipeline().incr(key('p3')).get(key('p3')).exec({ keepErrors: true });
    expect(mixed[0]!.error).toMatch(/not an integer/);
    expect(mixed[1]).toEqual({ result: 'text', error: undefined });
  });

  it('batches writes of the same tick into one request (auto-pipelining; reads go in another)', async () => {
    const redis = client();
    db.resetStats();
    const [a, b, c] = await Promise.all([
      redis.incr(key('ap')),
      redis.incr(key('ap')),
      redis.eval('return redis.call("INCR", KEYS[1])', [key('ap')], []),
    ]);
    expect([a, b, c]).toEqual([1, 2, 3]);
    expect(db.stats()).toMatchObject({ storeRequests: 1, storeCommands: 3 });
  });

  it('runs multi-exec atomically', async () => {
    const redis = client();
    const results = await redis.multi().set(key('m'), 1).incrby(key('m'), 41).get(key('m')).exec();
    expect(results).toEqual(['OK', 42, 42]);
    const bad = fetch(`${db.upstash!.url}/multi-exec`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${db.upstash!.token}` },
      body: JSON.stringify([['SET', key('m2'), 'a'], ['NOTACOMMAND']]),
    });
    expect((await bad).status).toBe(400);
    expect(await redis.get(key('m2'))).toBeNull(); // discarded as a whole
  });

  it('EVAL, EVALSHA (NOSCRIPT until loaded) and SCRIPT LOAD', async () => {
    const redis = client();
    const script = `return {KEYS[1], ARGV[1], ${Date.now()}}`;
    const sha = await redis.scriptLoad(script);
    expect(await redis.evalsha(sha, [key('e')], ['arg'])).toEqual([key('e'), 'arg', expect.any(Number)]);
    await expect(redis.evalsha('0'.repeat(40), [], [])).rejects.toThrow(/NOSCRIPT/);
    expect(await redis.eval('return ARGV[1] + 1', [], [41])).toBe(42);
  });

  it('runs scripts with Upstash-only shebang flags, and finds them again by the SHA1 of the script as sent', async () => {
    const redis = client();
    const script = `#!lua flags=allow-key-locking\nreturn redis.call("INCR", KEYS[1]) + ${Date.now() % 1000}`;
    await expect(redis.evalsha('f'.repeat(40), [key('x')], [])).rejects.toThrow(/NOSCRIPT/);
    const sha = await redis.scriptLoad(script);
    const { createHash } = await import('node:crypto');
    expect(sha).toBe(createHash('sha1').update(script).digest('hex'));
    expect(await redis.evalsha(sha, [key('flag')], [])).toEqual(expect.any(Number));
    expect(await redis.scriptExists(sha)).toEqual([1]);
  });

  it('@upstash/ratelimit: one limit shared by two clients, one round trip per check once the script is known', async () => {
    const make = () =>
      new Ratelimit({
        redis: client(),
        limiter: Ratelimit.tokenBucket(3, '60 s', 3),
        prefix: key('rl'),
        ephemeralCache: false,
        enableProtection: false,
        timeout: 0,
      });
    const [a, b] = [make(), make()];
    const first = await a.limit('user');
    expect(first).toMatchObject({ success: true, remaining: 2, limit: 3 });
    db.resetStats();
    expect(await b.limit('user')).toMatchObject({ success: true, remaining: 1 });
    expect(await a.limit('user')).toMatchObject({ success: true, remaining: 0 });
    const denied = await b.limit('user');
    expect(denied).toMatchObject({ success: false, remaining: 0 });
    expect(denied.reset).toBeGreaterThan(Date.now());
    expect(db.stats().storeRequests).toBe(3);
    for (const limiter of [Ratelimit.slidingWindow(2, '10 s'), Ratelimit.fixedWindow(2, '10 s')]) {
      const rl = new Ratelimit({ redis: client(), limiter, prefix: key(`rl-${randomUUID()}`), timeout: 0 });
      const results = [await rl.limit('x'), await rl.limit('x'), await rl.limit('x')];
      expect(results.map((r) => r.success)).toEqual([true, true, false]);
    }
  });

  describe('store faults', () => {
    it('slow: requests wait, then run', async () => {
      const redis = client();
      db.setStoreFault({ mode: 'slow', delayMs: 300 });
      const started = Date.now();
      expect(await redis.set(key('slow'), 1)).toBe('OK');
      expect(Date.now() - started).toBeGreaterThanOrEqual(280);
      db.clearStoreFault();
    });

    it('destroy and unavailable: the client fails; the database is unaffected', async () => {
      const redis = client();
      db.setStoreFault({ mode: 'destroy' });
      await expect(redis.get(key('s'))).rejects.toThrow();
      db.setStoreFault({ mode: 'unavailable' });
      await expect(redis.get(key('s'))).rejects.toThrow(/unavailable/);
      const sql = await fetch(`${db.url}/sql`, { method: 'POST', body: '{}' });
      expect(sql.status).toBe(400); // reached /sql, which has its own switch
      db.clearStoreFault();
      expect(await redis.get(key('slow'))).toBe(1);
    });

    it('are switched over HTTP from another process too', async () => {
      const control = localDbControl(db.controlUrl);
      await control.setStoreFault({ mode: 'unavailable' });
      await expect(client().get(key('s'))).rejects.toThrow(/unavailable/);
      await control.clearStoreFault();
      expect(await client().get(key('slow'))).toBe(1);
    });
  });
});
