import type { LocalDb } from '../../src/localdb';

/**
 * The app's rate-limit store settings for a local server: its Upstash REST
 * front (when REDIS_URL gave it a Redis) and a key prefix of the caller's,
 * so test runs sharing the machine's Redis never share a bucket. Empty
 * without a store: the app then counts in memory, per instance.
 */
export function storeEnv(server: Pick<LocalDb, 'upstash'>, prefix: string): Record<string, string> {
  if (!server.upstash) return {};
  return {
    UPSTASH_REDIS_REST_URL: server.upstash.url,
    UPSTASH_REDIS_REST_TOKEN: server.upstash.token,
    RATE_LIMIT_PREFIX: prefix,
  };
}

/** Headers that make a request come from `address` where the platform (or a trusted proxy) says so. */
export const fromAddress = (address: string) => ({ 'CF-Connecting-IP': address, 'X-Forwarded-For': address });

/** A client address no other test uses: its own /64 in the IPv6 documentation range. */
export const uniqueAddress = () => {
  const hex = crypto.randomUUID().replace(/-/g, '');
  return `2001:db8:${hex.slice(0, 4)}:${hex.slice(4, 8)}::${hex.slice(8, 12)}`;
};
