import type { LimitCheck, LimitState, LimitStore } from './store';

interface Window {
  start: number;
  used: number;
}

const MAX_PARTITIONS = 50_000;

/**
 * Counts in this instance's memory: the same windows as the Upstash store,
 * but every instance has its own. For development without a store.
 */
export class MemoryStore implements LimitStore {
  readonly shared = false;
  readonly #windows = new Map<string, Window>();

  async check(checks: LimitCheck[]): Promise<LimitState[]> {
    const now = Date.now();
    return checks.map(({ policy, id, peek }) => {
      const key = `${policy.name}\u0000${id}`;
      const windowMs = policy.windowSeconds * 1000;
      let window = this.#windows.get(key);
      if (window && now >= window.start + windowMs) {
        this.#windows.delete(key);
        window = undefined;
      }
      if (!window) {
        if (peek) return { policy, remaining: policy.quota, resetAt: now + windowMs, exceeded: false };
        window = { start: now, used: 0 };
        this.#remember(key, window, now);
      }
      const resetAt = window.start + windowMs;
      if (peek) {
        const remaining = Math.max(0, policy.quota - window.used);
        return { policy, remaining, resetAt, exceeded: remaining === 0 };
      }
      if (window.used >= policy.quota) return { policy, remaining: 0, resetAt, exceeded: true };
      window.used++;
      return { policy, remaining: policy.quota - window.used, resetAt, exceeded: false };
    });
  }

  /** Bounded: past MAX_PARTITIONS the oldest windows go (expired ones first, as they are oldest). */
  #remember(key: string, window: Window, now: number) {
    this.#windows.set(key, window);
    if (this.#windows.size <= MAX_PARTITIONS) return;
    for (const [oldKey, old] of this.#windows) {
      if (this.#windows.size <= MAX_PARTITIONS * 0.9) break;
      if (old.start < now) this.#windows.delete(oldKey);
    }
  }
}
