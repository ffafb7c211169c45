import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis/cloudflare';
import type { PolicyName, Policy } from './policies';
import type { LimitCheck, LimitState, LimitStore } from './store';

export interface UpstashOptions {
  url: string;
  token: string;
  prefix: string;
  timeoutMs: number;
}

/**
 * Counts in Upstash Redis through `@upstash/ratelimit`, exact across every
 * instance: each check is one Lua script run atomically in Redis. A policy
 * of q requests per w seconds is a token bucket of q tokens refilled whole
 * every w seconds (windows that start with a partition's first request).
 * The checks of one request are issued in the same tick, so the client's
 * auto-pipelining sends them in one HTTP request: one round trip. Each
 * request is aborted after `timeoutMs` and never retried (the caller then
 * lets the request through).
 */
export class UpstashStore implements LimitStore {
  readonly shared = true;
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #limiters = new Map<PolicyName, Ratelimit>();

  constructor({ url, token, prefix, timeoutMs }: UpstashOptions) {
    this.#prefix = prefix;
    this.#redis = new Redis({
      url,
      token,
      enableTelemetry: false,
      enableAutoPipelining: true,
      retry: { retries: 0 },
      signal: () => AbortSignal.timeout(timeoutMs),
    });
  }

  #limiter(policy: Policy): Ratelimit {
    let limiter = this.#limiters.get(policy.name);
    if (!limiter) {
      limiter = new Ratelimit({
        redis: this.#redis,
        limiter: Ratelimit.tokenBucket(policy.quota, `${policy.windowSeconds} s`, policy.quota),
        prefix: `${this.#prefix}:${policy.name}`,
        // Blocked partitions are remembered by the caller (rate-limiter.ts), timeouts enforced here.
        ephemeralCache: false,
        timeout: 0,
        analytics: false,
        enableTelemetry: false,
      });
      this.#limiters.set(policy.name, limiter);
    }
    return limiter;
  }

  check(checks: LimitCheck[]): Promise<LimitState[]> {
    // All calls start before the first await: one pipeline, one round trip.
    return Promise.all(
      checks.map(async ({ policy, id, peek }): Promise<LimitState> => {
        const limiter = this.#limiter(policy);
        if (!peek) {
          const { success, remaining, reset } = await limiter.limit(id);
          return { policy, remaining, resetAt: reset, exceeded: !success };
        }
        const now = Date.now();
        const { remaining, reset } = await limiter.getRemaining(id);
        // The stored bucket as it was: once its window is over, the whole quota is back.
        if (reset <= now)
          return { policy, remaining: policy.quota, resetAt: now + policy.windowSeconds * 1000, exceeded: false };
        return { policy, remaining, resetAt: reset, exceeded: remaining <= 0 };
      }),
    );
  }
}
