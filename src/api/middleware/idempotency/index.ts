import { z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { db } from '../../db';
import { problem } from '../../http/problem';
import type { AppEnv } from '../../lib/env';
import { sha256Hex } from '../../lib/hash';
import { log } from '../../lib/log';
import { defer } from '../../lib/platform';
import { sleep } from '../../lib/time';

// Idempotency-Key on POST (draft-ietf-httpapi-idempotency-key-header).
//
// The first request claims the key with a fresh token (a primary-key insert,
// so concurrent duplicates cannot both win) and a short lease. The route's
// write is fenced by that token and records its result in the same statement
// (see `fence`): the effect and the record commit together or not at all, so
// a write that times out on the client but commits later is replayed, never
// run twice. A claim whose request failed is released; if even that fails
// (the database is away) it is released in the background, and its lease
// lets a retry take over once it lapses. A takeover changes the token, which
// makes any late write of the old request a no-op.

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export const IdempotencyHeaderSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(IDEMPOTENCY_KEY_PATTERN, 'Must be 1–255 visible ASCII characters')
    .optional()
    .openapi({
      description:
        'Makes retries safe: the same key and body replay the first successful response for 24 h ' +
        '(with `Idempotent-Replayed: true`); the same key with another body is refused with 422. ' +
        '1–255 visible ASCII characters, e.g. a UUID.',
    }),
});

export const ReplayedHeader = z.object({
  'Idempotent-Replayed': z
    .string()
    .optional()
    .openapi({ description: '`true` when this is the stored result of an earlier request with the same key.' }),
});

export interface IdempotencyClaim {
  userId: string;
  key: string;
  token: string;
}

declare module 'hono' {
  interface ContextVariableMap {
    idempotency?: IdempotencyClaim;
  }
}

const CLAIM = `insert into idempotency_keys (user_id, key, request_hash, token, locked_until)
  values ($1, $2, $3, $4, now() + make_interval(secs => $5))
  on conflict (user_id, key) do update
    set request_hash = excluded.request_hash, token = excluded.token, locked_until = excluded.locked_until,
      status = null, result = null, headers = null, body = null, created_at = now()
    where idempotency_keys.created_at < now() - interval '24 hours'
      or (idempotency_keys.status is null
        -- claims of the previous version had no lease: a minute
        and coalesce(idempotency_keys.locked_until, idempotency_keys.created_at + interval '1 minute') < now()
        and idempotency_keys.request_hash = excluded.request_hash)
  returning true as claimed`;
const READ = `select request_hash, status, result, headers, body,
    greatest(0, ceil(extract(epoch from locked_until - now())))::int as "retryAfter"
  from idempotency_keys where user_id = $1 and key = $2`;
const RELEASE = `delete from idempotency_keys where user_id = $1 and key = $2 and token = $3 and status is null`;

/**
 * SQL that makes a write conditional on the claim and records its result:
 * `$u, $k, $t` are the claim's parameters (all null without an
 * Idempotency-Key). `lock` goes first in a WITH; the write filters on
 * `owned`; `record(status, resultSql)` is the last CTE.
 */
export function fence(c: Context<AppEnv>, params: unknown[]) {
  const claim = c.get('idempotency');
  params.push(claim?.userId ?? null, claim?.key ?? null, claim?.token ?? null);
  const n = params.length;
  const [u, k, t] = [`$${n - 2}::uuid`, `$${n - 1}::text`, `$${n}::uuid`];
  const mine = `user_id = ${u} and key = ${k} and token = ${t}`;
  return {
    lock: `claim as (select 1 from idempotency_keys where ${mine} and status is null for update)`,
    owned: `(${t} is null or exists (select 1 from claim))`,
    record: (status: number, result: string) =>
      `recorded as (update idempotency_keys set status = ${status}, result = ${result}
        where ${mine} and exists (select 1 from claim))`,
  };
}

interface StoredClaim {
  request_hash: string;
  status: number | null;
  result: unknown;
  headers: Record<string, string> | null;
  body: string | null;
  retryAfter: number;
}

export interface IdempotentOptions {
  /** The response for a recorded result: what the first request answered, rebuilt from its rows. */
  replay: (c: Context<AppEnv>, status: number, result: unknown) => Response;
}

/** What makes two requests "the same" for one key: method, path and body. */
export const requestHash = (method: string, path: string, body: string) => sha256Hex(`${method} ${path}\n${body}`);

/** Must run after authentication: keys are scoped to the calling user. */
export function idempotent({ replay }: IdempotentOptions): MiddlewareHandler<AppEnv> {
  return async function idempotency(c, next) {
    const key = c.req.header('Idempotency-Key');
    // Absent or malformed: the header validator answers malformed ones with 422.
    if (!key || !IDEMPOTENCY_KEY_PATTERN.test(key)) return next();
    const userId = c.var.principal.userId;
    const hash = await requestHash(c.req.method, c.req.path, await c.req.text());
    const token = crypto.randomUUID();
    const client = db(c);
    // The lease outlasts the request's one write, bounded by the query timeout.
    const leaseSeconds = c.var.config.DB_QUERY_TIMEOUT_MS / 1000 + 1;

    const claim = async () => {
      try {
        return (await client.query<{ claimed: boolean }>(CLAIM, [userId, key, hash, token, leaseSeconds])).length > 0;
      } catch (error) {
        // It may have committed after the client gave up: free it (a no-op if it never landed).
        await release(c, [userId, key, token]);
        throw error;
      }
    };
    // Twice at most: a claim released between our conflict and our read is free again.
    for (let attempt = 0; !(await claim()); attempt++) {
      const [stored] = await client.query<StoredClaim>(READ, [userId, key]);
      if (!stored && attempt === 0) continue;
      if (stored && stored.request_hash !== hash) {
        return problem(c, 'idempotency-key-reused', {
          detail: 'This Idempotency-Key was used with a different request.',
          errors: { 'Idempotency-Key': ['Already used with a different request body'] },
        });
      }
      if (!stored || stored.status === null) {
        return problem(c, 'idempotency-in-progress', {
          detail: 'A request with this Idempotency-Key is still being processed; retry shortly.',
          headers: { 'Retry-After': String(Math.max(1, stored?.retryAfter ?? 1)) },
        });
      }
      const res =
        stored.result === null && stored.body !== null
          ? // Recorded by the previous version: its stored response.
            c.body(stored.body, stored.status as 201, stored.headers ?? {})
          : replay(c, stored.status, stored.result);
      res.headers.set('Idempotent-Replayed', 'true');
      return res;
    }

    c.set('idempotency', { userId, key, token });
    try {
      await next();
    } catch (error) {
      await release(c, [userId, key, token]);
      throw error;
    }
    // A recorded success keeps the claim; anything else is not a result to replay.
    if (c.res.status >= 300) await release(c, [userId, key, token]);
  };
}

// Within a platform's waitUntil budget (Workers: ~30 s after the response).
const RELEASE_FOR_MS = 20_000;

/**
 * Frees the claim so a retry runs for real. If the database is away, keeps
 * trying after the response; should that be cut off too, the lease lapses.
 */
async function release(c: Context<AppEnv>, params: [string, string, string]): Promise<void> {
  const once = () => db(c).query(RELEASE, params);
  try {
    await once();
  } catch {
    const retry = async () => {
      const deadline = Date.now() + RELEASE_FOR_MS;
      for (let wait = 250; ; wait *= 2) {
        await sleep(wait);
        try {
          return await once();
        } catch (error) {
          if (Date.now() + wait * 2 + c.var.config.DB_QUERY_TIMEOUT_MS > deadline) throw error;
        }
      }
    };
    defer(
      c,
      retry().catch((error: unknown) => {
        log(c.var.config.LOG_LEVEL, 'warn', { msg: 'idempotency claim not released', error: String(error) });
      }),
    );
  }
}
