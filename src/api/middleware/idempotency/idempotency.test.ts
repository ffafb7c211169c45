import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '@/src/api/app';
import { sendDeferred } from '@/test/contract/send';
import { ADMIN_KEY, bearer, jsonBody, unique } from '@/test/support/accounts';
import { BACKENDS, skipWithoutPostgres } from '@/test/support/backends';
import { useLocalApp } from '@/test/support/local-app';
import { requestHash } from './index';

// Idempotency-Key when things go wrong: a write that commits after its
// client gave up, a request that answered 503, a claim left by a request
// still running or long gone. Node only: it injects faults and reads rows.

const TIMEOUT_MS = 600;

describe.each(BACKENDS)('Idempotency-Key under faults (%s)', (name, backend) => {
  describe.skipIf(skipWithoutPostgres(name))('', () => {
    const { send, isolate, db, server, env } = useLocalApp({
      backend,
      env: { DB_QUERY_TIMEOUT_MS: String(TIMEOUT_MS) },
    });

    beforeAll(async () => {
      // Test-only triggers on links, keyed by title: a slow insert (so a test can
      // act while it runs), and an insert that fails once like a lost connection.
      for (const text of [
        // A sequence, not a table: nextval survives the rollback the failure causes.
        'create sequence fail_once',
        `create function test_insert_hooks() returns trigger language plpgsql as $$
     begin
       if new.title = 'slow-insert' then perform pg_sleep(0.4); end if;
       if new.title = 'slower-insert' then perform pg_sleep(2); end if;
       if new.title = 'fail-once' and nextval('fail_once') = 1 then
         perform pg_sleep(0.4);
         raise exception 'connection lost (test)' using errcode = '08006';
       end if;
       return new;
     end $$`,
        'create trigger test_insert_hooks before insert on links for each row execute function test_insert_hooks()',
      ]) {
        await db().query(text);
      }
    });

    const linksTagged = async (tag: string) =>
      (await db().query<{ id: string }>('select id from links where $1 = any(tags)', [tag])).map((r) => r.id);
    const claimOf = async (key: string) =>
      (await db().query<{ status: number | null }>('select status from idempotency_keys where key = $1', [key]))[0];

    describe('', () => {
      it('replays a create whose write committed after its client gave up, instead of creating it twice', async () => {
        const app = sendDeferred(createApp(), env());
        const key = unique('idem-');
        const tag = unique('t-');
        const body = { url: 'https://example.com/late', title: 'slow-insert', tags: [tag] };
        await app.send('/api/v1/me', { headers: bearer(ADMIN_KEY) }); // the key is verified and cached: one fewer round trip
        await app.settle();
        server().resetStats();
        const first = app.send('/api/v1/links', jsonBody('POST', ADMIN_KEY, body, { 'Idempotency-Key': key }));
        await server().waitForStats((s) => s.running >= 1 && s.completed >= 1, 5_000); // the claim is done, the insert runs
        server().setFault({ mode: 'freeze' }); // the insert commits, its answer never arrives
        try {
          const res = await first;
          expect(res.status).toBe(503);
          expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        } finally {
          server().clearFault();
        }
        await app.settle();
        expect(await linksTagged(tag)).toHaveLength(1);
        const retry = await send('/api/v1/links', jsonBody('POST', ADMIN_KEY, body, { 'Idempotency-Key': key }));
        expect(retry.status).toBe(201);
        expect(retry.headers.get('idempotent-replayed')).toBe('true');
        expect([(await retry.json()).id]).toEqual(await linksTagged(tag));
      }, 30_000);

      it('lets the retry of a request that answered 503 run at once, not wait out its claim', async () => {
        const app = sendDeferred(createApp(), env());
        const key = unique('idem-');
        const tag = unique('t-');
        const body = { url: 'https://example.com/retry', title: 'fail-once', tags: [tag] };
        await app.send('/api/v1/me', { headers: bearer(ADMIN_KEY) });
        await app.settle();
        server().resetStats();
        // The insert fails like a lost connection, and the database stays away for the release too.
        const res = app.send('/api/v1/links', jsonBody('POST', ADMIN_KEY, body, { 'Idempotency-Key': key }));
        await server().waitForStats((s) => s.running >= 1 && s.completed >= 1, 5_000);
        server().setFault({ mode: 'unavailable' });
        expect((await res).status).toBe(503);
        expect(await claimOf(key).catch(() => 'unreadable')).toBe('unreadable');
        server().clearFault();
        await app.settle(); // the release, retried after the response
        expect(await claimOf(key)).toBeUndefined();
        const retry = await send('/api/v1/links', jsonBody('POST', ADMIN_KEY, body, { 'Idempotency-Key': key }));
        expect(retry.status).toBe(201);
        expect(retry.headers.get('idempotent-replayed')).toBeNull();
        expect(await linksTagged(tag)).toHaveLength(1);
      }, 30_000);

      it('makes a retry that arrives while the first write still runs wait for it, then replays it', async () => {
        const app = sendDeferred(createApp(), env());
        const patient = isolate({ DB_QUERY_TIMEOUT_MS: '5000' });
        const key = unique('idem-');
        const tag = unique('t-');
        const body = { url: 'https://example.com/slower', title: 'slower-insert', tags: [tag] };
        await app.send('/api/v1/me', { headers: bearer(ADMIN_KEY) });
        await patient('/api/v1/me', { headers: bearer(ADMIN_KEY) });
        await app.settle();
        const started = Date.now();
        const first = await app.send('/api/v1/links', jsonBody('POST', ADMIN_KEY, body, { 'Idempotency-Key': key }));
        expect(first.status).toBe(503); // gave up after the query timeout; the insert goes on for 2 s
        // Past the claim's lease (query timeout + 1 s), while the insert still holds it.
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, TIMEOUT_MS + 1_200 - (Date.now() - started))));
        const retry = await patient('/api/v1/links', jsonBody('POST', ADMIN_KEY, body, { 'Idempotency-Key': key }));
        expect(retry.status).toBe(201);
        expect(retry.headers.get('idempotent-replayed')).toBe('true');
        await app.settle();
        expect(await linksTagged(tag)).toEqual([(await retry.json()).id]);
      }, 30_000);

      const claimRow = async (key: string, body: unknown, lockedFor: string) => {
        const [admin] = await db().query<{ user_id: string }>("select user_id from api_keys where name = 'initial'");
        await db().query(
          `insert into idempotency_keys (user_id, key, request_hash, token, locked_until, created_at)
       values ($1, $2, $3, gen_random_uuid(), now() + $4::interval, now() - interval '1 minute')`,
          [admin!.user_id, key, await requestHash('POST', '/api/v1/links', JSON.stringify(body)), lockedFor],
        );
      };

      it('answers 409 with Retry-After while the first request still holds its claim', async () => {
        const key = unique('idem-');
        const body = { url: 'https://example.com/busy' };
        await claimRow(key, body, '20 seconds');
        const res = await send('/api/v1/links', jsonBody('POST', ADMIN_KEY, body, { 'Idempotency-Key': key }));
        expect(res.status).toBe(409);
        expect((await res.json()).type).toBe('urn:hop:problem:idempotency-in-progress');
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(15);
      });

      it('takes over a claim whose request is gone (its lease lapsed), and runs for real', async () => {
        const key = unique('idem-');
        const tag = unique('t-');
        const body = { url: 'https://example.com/abandoned', tags: [tag] };
        await claimRow(key, body, '-1 second');
        const res = await send('/api/v1/links', jsonBody('POST', ADMIN_KEY, body, { 'Idempotency-Key': key }));
        expect(res.status).toBe(201);
        expect(await linksTagged(tag)).toHaveLength(1);
        expect(await claimOf(key)).toEqual({ status: 201 });
      });

      it('does not take over a lapsed claim for a different body', async () => {
        const key = unique('idem-');
        await claimRow(key, { url: 'https://example.com/one' }, '-1 second');
        const res = await send(
          '/api/v1/links',
          jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/two' }, { 'Idempotency-Key': key }),
        );
        expect(res.status).toBe(422);
      });
    });
  });
});
