import type { Context, MiddlewareHandler } from 'hono';
import { problem } from '../../http/problem';
import type { AppEnv } from '../../lib/env';
import { clientAddress } from '../../lib/platform';
import { POLICY_INFO, type PolicyName } from './policies';
import type { RateLimiter } from './rate-limiter';
import type { LimitState } from './store';

export { POLICY_INFO, POLICY_NAMES, type Policy, type PolicyName } from './policies';
export { RateLimiter, STORE_BACKOFF_MS } from './rate-limiter';
export type { LimitState, LimitStore } from './store';

// Rate limits with the fields of draft-ietf-httpapi-ratelimit-headers-10:
//   RateLimit-Policy: "key";q=600;w=60          every policy that applies
//   RateLimit: "key";r=599;t=42                 what is left, and seconds until it is all back
// Over a quota: 429 quota-exceeded with `violated-policies` and Retry-After.

declare module 'hono' {
  interface ContextVariableMap {
    /** This instance's limiter; absent with RATE_LIMITS=false. */
    rateLimiter?: RateLimiter;
  }
}

/** A check by policy name, for `enforce`. */
export interface Check {
  policy: PolicyName;
  id: string;
  /** Read the quota without counting this request against it. */
  peek?: boolean;
}

const secondsUntil = (at: number) => Math.max(0, Math.ceil((at - Date.now()) / 1000));

/** The partition for a client address; requests whose address is unknown share one. */
export const addressPartition = (c: Context<AppEnv>) => clientAddress(c) ?? 'unknown';

function setHeaders(c: Context<AppEnv>, limiter: RateLimiter, names: PolicyName[], states: LimitState[] | null) {
  const policies = names.map((name) => limiter.policies[name]);
  c.header('RateLimit-Policy', policies.map((p) => `"${p.name}";q=${p.quota};w=${p.windowSeconds}`).join(', '));
  if (states?.length) {
    c.header(
      'RateLimit',
      states.map((s) => `"${s.policy.name}";r=${s.remaining};t=${secondsUntil(s.resetAt)}`).join(', '),
    );
  }
}

/**
 * Counts the request against `checks` (one store round trip at most, none
 * when this instance knows a partition is over), sets the RateLimit fields,
 * and returns the 429 to answer with, or null to go on.
 */
export async function enforce(c: Context<AppEnv>, checks: Check[]): Promise<Response | null> {
  const limiter = c.var.rateLimiter;
  if (!limiter || checks.length === 0) return null;
  const verdict = await limiter.check(
    checks.map(({ policy, id, peek }) => ({ policy: limiter.policies[policy], id, peek })),
    c.get('requestId'),
  );
  setHeaders(
    c,
    limiter,
    checks.map((check) => check.policy),
    verdict.states,
  );
  if (verdict.violated.length === 0) return null;
  return tooMany(c, verdict.violated);
}

function tooMany(c: Context<AppEnv>, violated: LimitState[]): Response {
  const retryAfter = Math.max(1, ...violated.map((s) => secondsUntil(s.resetAt)));
  const which = violated
    .map(({ policy }) => {
      const info = POLICY_INFO[policy.name];
      return `${policy.quota} ${info.what} per ${policy.windowSeconds} s per ${info.per} ("${policy.name}")`;
    })
    .join('; ');
  return problem(c, 'quota-exceeded', {
    detail: `Rate limit reached: ${which}. Retry in ${retryAfter} s.`,
    headers: { 'Retry-After': String(retryAfter) },
    extensions: { 'violated-policies': violated.map((s) => s.policy.name) },
  });
}

/**
 * The failed-authentication quota of this client address, known exhausted in
 * this instance: a 429 before the key is even looked up (no database, no store).
 */
export function knownFailedAuth(c: Context<AppEnv>, address: string): Response | null {
  const limiter = c.var.rateLimiter;
  const until = limiter?.blockedUntil('failed-auth', address);
  if (!limiter || !until) return null;
  const policy = limiter.policies['failed-auth'];
  const state = { policy, remaining: 0, resetAt: until, exceeded: true };
  setHeaders(c, limiter, ['failed-auth'], [state]);
  return tooMany(c, [state]);
}

/** Route middleware: each policy counts this request per client address. */
export function limitByAddress(...policies: PolicyName[]): MiddlewareHandler<AppEnv> {
  return async function rateLimit(c, next) {
    const id = addressPartition(c);
    const refused = await enforce(
      c,
      policies.map((policy) => ({ policy, id })),
    );
    if (refused) return refused;
    await next();
  };
}
