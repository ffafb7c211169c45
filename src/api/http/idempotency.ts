import type { MiddlewareHandler } from 'hono';
import { hashKey } from '../auth/keys';
import { db } from '../db';
import type { AppEnv } from '../env';
import { problem } from './problem';

// Idempotency-Key on POST (draft-ietf-httpapi-idempotency-key-header): the
// first request claims the key (a primary-key insert, so concurrent
// duplicates cannot both win), runs, and stores its response; a retry with
// the same body replays it for 24 h.

const CLAIM = `insert into idempotency_keys (user_id, key, request_hash) values ($1, $2, $3)
  on conflict (user_id, key) do update
    set request_hash = excluded.request_hash, status = null, headers = null, body = null, created_at = now()
    -- expired, or abandoned mid-flight (the process died before storing a result)
    where idempotency_keys.created_at < now() - interval '24 hours'
      or (idempotency_keys.status is null and idempotency_keys.created_at < now() - interval '1 minute')
  returning true as claimed`;
const READ = `select request_hash, status, headers, body from idempotency_keys where user_id = $1 and key = $2`;
const STORE = `update idempotency_keys set status = $3, headers = $4, body = $5 where user_id = $1 and key = $2`;
const RELEASE = `delete from idempotency_keys where user_id = $1 and key = $2 and status is null`;

const REPLAYED_HEADERS = ['content-type', 'location', 'etag'];

/** Must run after authentication: keys are scoped to the calling user. */
export function idempotent(): MiddlewareHandler<AppEnv> {
  return async function idempotency(c, next) {
    const key = c.req.header('Idempotency-Key');
    // Absent or malformed: the header validator answers malformed ones with 422.
    if (!key || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) return next();
    const userId = c.var.principal.userId;
    const requestHash = await hashKey(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);
    const client = db(c);

    const [claim] = await client.query<{ claimed: boolean }>(CLAIM, [userId, key, requestHash]);
    if (!claim) {
      const [stored] = await client.query<{
        request_hash: string;
        status: number | null;
        headers: Record<string, string>;
        body: string;
      }>(READ, [userId, key]);
      if (!stored || stored.request_hash !== requestHash) {
        return problem(c, {
          status: 422,
          type: 'urn:hop:problem:idempotency-key-reused',
          title: 'Idempotency-Key reused',
          detail: 'This Idempotency-Key was used with a different request.',
          errors: { 'Idempotency-Key': ['Already used with a different request body'] },
        });
      }
      if (stored.status === null) {
        return problem(c, {
          status: 409,
          type: 'urn:hop:problem:idempotency-in-progress',
          title: 'Request in progress',
          detail: 'A request with this Idempotency-Key is still being processed; retry shortly.',
          headers: { 'Retry-After': '1' },
        });
      }
      return new Response(stored.body, {
        status: stored.status,
        headers: { ...stored.headers, 'Idempotent-Replayed': 'true' },
      });
    }

    try {
      await next();
    } catch (error) {
      await client.query(RELEASE, [userId, key]).catch(() => {});
      throw error;
    }
    if (c.res.status >= 500) {
      // Not a result: let the client retry for real. If even this fails the
      // claim lapses after a minute (see CLAIM).
      await client.query(RELEASE, [userId, key]).catch(() => {});
      return;
    }
    const body = await c.res.clone().text();
    const headers = Object.fromEntries(
      REPLAYED_HEADERS.flatMap((h) => (c.res.headers.has(h) ? [[h, c.res.headers.get(h)!]] : [])),
    );
    await client.query(STORE, [userId, key, c.res.status, JSON.stringify(headers), body]);
  };
}
