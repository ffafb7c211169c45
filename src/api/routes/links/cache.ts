import { LRUCache } from 'lru-cache';

/** What the redirect path needs of a link. */
export interface CachedLink {
  id: string;
  url: string;
  redirectStatus: number;
  forwardQuery: boolean;
  expiresAt: number | null;
  expiredUrl: string | null;
  maxClicks: number | null;
  exhaustedUrl: string | null;
}

// Per isolate: a hit costs no database round trip. Other isolates see a
// change within the TTL (LINK_CACHE_TTL_MS ≤ 60 s); the isolate that made it
// evicts at once. Unknown slugs are remembered briefly so a flood of misses
// does not become a flood of queries, but not so long that a new link stays
// invisible elsewhere.
const NEGATIVE_TTL_MS = 5_000;
const cache = new LRUCache<string, CachedLink | false>({ max: 50_000, ttl: 60_000 });

export const linkCache = {
  /** The link, `false` when known not to exist, `undefined` when unknown. */
  get: (slug: string) => cache.get(slug),
  set(slug: string, link: CachedLink | null, ttlMs: number) {
    if (ttlMs <= 0) return;
    cache.set(slug, link ?? false, { ttl: link ? ttlMs : Math.min(ttlMs, NEGATIVE_TTL_MS) });
  },
  evict(...slugs: string[]) {
    for (const slug of slugs) cache.delete(slug);
  },
};
