import type { Config } from '../../lib/config';
import { log } from '../../lib/log';
import { MemoryStore } from './memory-store';
import { policiesFor, type Policy, type PolicyName } from './policies';
import type { LimitCheck, LimitState, LimitStore } from './store';
import { UpstashStore } from './upstash-store';

/** How long an instance leaves a store that failed alone (requests pass meanwhile). */
export const STORE_BACKOFF_MS = 5_000;
const LOG_EVERY_MS = 10_000;
const MAX_BLOCKED = 10_000;

export interface Verdict {
  /** What the store said, check by check; null when it could not be asked (requests pass). */
  states: LimitState[] | null;
  /** The exceeded ones. */
  violated: LimitState[];
  /** Answered from this instance's memory of exceeded quotas, without the store. */
  fromMemory: boolean;
}

/**
 * One instance's limiter: the store, the partitions it knows to be over a
 * quota until their window ends (answered without a round trip), and the
 * fail-open rule: a store that errs, or is slower than RATE_LIMIT_TIMEOUT_MS,
 * lets the request through and is logged; after a failure the instance
 * leaves it alone for STORE_BACKOFF_MS rather than make every request wait.
 */
export class RateLimiter {
  readonly policies: Record<PolicyName, Policy>;
  readonly store: LimitStore;
  readonly #blocked = new Map<string, number>();
  readonly #config: Config;
  #backoffUntil = 0;
  #lastLog = 0;
  #unlogged = 0;

  constructor(config: Config, store?: LimitStore) {
    this.#config = config;
    this.policies = policiesFor(config);
    const { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token } = config;
    this.store =
      store ??
      (url && token
        ? new UpstashStore({ url, token, prefix: config.RATE_LIMIT_PREFIX, timeoutMs: config.RATE_LIMIT_TIMEOUT_MS })
        : new MemoryStore());
    if (!this.store.shared) {
      log(config.LOG_LEVEL, 'warn', {
        msg: 'rate limits are per instance: set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN to share them',
      });
    }
  }

  /** The end of the window in which this partition is known to be over `policy`'s quota, if it is. */
  blockedUntil(policy: PolicyName, id: string): number | null {
    const key = `${policy}\u0000${id}`;
    const until = this.#blocked.get(key);
    if (until === undefined) return null;
    if (until > Date.now()) return until;
    this.#blocked.delete(key);
    return null;
  }

  /** Counts (or reads) every check in one store round trip, unless one of them is known to be over. */
  async check(checks: LimitCheck[], requestId?: string): Promise<Verdict> {
    const known = checks.flatMap(({ policy, id }) => {
      const until = this.blockedUntil(policy.name, id);
      return until === null ? [] : [{ policy, remaining: 0, resetAt: until, exceeded: true }];
    });
    if (known.length) return { states: known, violated: known, fromMemory: true };
    if (Date.now() < this.#backoffUntil) return { states: null, violated: [], fromMemory: false };
    let states: LimitState[];
    try {
      states = await withTimeout(this.store.check(checks), this.#config.RATE_LIMIT_TIMEOUT_MS);
    } catch (error) {
      this.#backoffUntil = Date.now() + STORE_BACKOFF_MS;
      this.#logFailure(error, requestId);
      return { states: null, violated: [], fromMemory: false };
    }
    states.forEach((state, i) => state.exceeded && this.#block(checks[i]!.id, state));
    return { states, violated: states.filter((state) => state.exceeded), fromMemory: false };
  }

  #block(id: string, { policy, resetAt }: LimitState) {
    if (this.#blocked.size >= MAX_BLOCKED) {
      const now = Date.now();
      for (const [key, until] of this.#blocked) if (until <= now) this.#blocked.delete(key);
      if (this.#blocked.size >= MAX_BLOCKED) this.#blocked.delete(this.#blocked.keys().next().value!);
    }
    this.#blocked.set(`${policy.name}\u0000${id}`, resetAt);
  }

  #logFailure(error: unknown, requestId?: string) {
    const now = Date.now();
    if (now - this.#lastLog < LOG_EVERY_MS) {
      this.#unlogged++;
      return;
    }
    log(this.#config.LOG_LEVEL, 'error', {
      msg: 'rate limit store unavailable: requests are allowed',
      requestId,
      // Without the command the client appends: it names partitions (keys, addresses).
      error: String(error).split(', command was:')[0],
      retryInMs: STORE_BACKOFF_MS,
      ...(this.#unlogged && { alsoFailedSinceLastLine: this.#unlogged }),
    });
    this.#lastLog = now;
    this.#unlogged = 0;
  }
}

class StoreTimeout extends Error {
  override name = 'StoreTimeout';
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreTimeout(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
