import { LRUCache } from 'lru-cache';
import type { RecordOf } from '../../db/model';
import { MAX_LINK_CACHE_TTL_MS } from '../../lib/config';
import type { REDIRECT_COLUMNS } from './links.queries';

/** What the redirect path needs of a link; `expiresAt` in epoch ms. */
export type CachedLink = Omit<RecordOf<typeof REDIRECT_COLUMNS>, 'expiresAt'> & { expiresAt: number | null };

// Unknown slugs are remembered briefly so a flood of misses does not become
// a flood of queries, but not so long that a new link stays invisible elsewhere.
const NEGATIVE_TTL_MS = 5_000;

/**
 * Links by slug, per isolate: a hit costs no database round trip. Other
 * isolates see a change within their TTL (LINK_CACHE_TTL_MS); the isolate
 * that made it evicts at once.
 */
export class LinkCache {
  readonly #cache = new LRUCache<string, CachedLink | false>({ max: 50_000, ttl: MAX_LINK_CACHE_TTL_MS });
  #generation = 0;

  /** Advances on every eviction: a lookup that started before one may hold what it evicted. */
  get generation() {
    return this.#generation;
  }

  /** The link, `false` when known not to exist, `undefined` when unknown. */
  get(slug: string) {
    return this.#cache.get(slug);
  }

  /** Caches what a lookup that started at generation `since` found, unless a change came in between. */
  set(slug: string, link: CachedLink | null, ttlMs: number, since: number) {
    if (ttlMs <= 0 || since !== this.#generation) return;
    this.#cache.set(slug, link ?? false, { ttl: link ? ttlMs : Math.min(ttlMs, NEGATIVE_TTL_MS) });
  }

  evict(...slugs: string[]) {
    this.#generation++;
    for (const slug of slugs) this.#cache.delete(slug);
  }
}

declare module 'hono' {
  interface ContextVariableMap {
    linkCache: LinkCache;
  }
}
