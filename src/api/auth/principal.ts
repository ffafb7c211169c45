import { LRUCache } from 'lru-cache';
import type { Context } from 'hono';
import { db } from '../db';
import type { AppEnv } from '../env';
import { defer } from '../platform';
import { hashKey, keyPrefix } from './keys';

export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const roleAtLeast = (role: Role, needed: Role) => ROLES.indexOf(role) >= ROLES.indexOf(needed);

/** Who is calling: a key and the user it acts for. */
export interface Principal {
  keyId: string;
  keyName: string;
  keyPrefix: string;
  keyExpiresAt: string | null;
  userId: string;
  email: string;
  name: string;
  role: Role;
}

// Verified keys, per isolate, for at most 30 s: the bound on how long a
// revocation elsewhere can go unseen. The isolate that revokes evicts at once.
const MAX_TRUST_MS = 30_000;
const verified = new LRUCache<string, Principal>({ max: 10_000, ttl: MAX_TRUST_MS });
// last_used_at is written at most once a minute per key and isolate, after the response.
const touched = new LRUCache<string, true>({ max: 10_000, ttl: 60_000 });

const LOOKUP = `select k.id as "keyId", k.name as "keyName", k.prefix as "keyPrefix",
    k.expires_at as "keyExpiresAt", u.id as "userId", u.email, u.name, u.role
  from api_keys k join users u on u.id = k.user_id
  where k.hash = $1 and k.revoked_at is null and (k.expires_at is null or k.expires_at > now())`;

// First use of INITIAL_API_KEY on an empty database creates the admin and the
// key. The hop_meta claim makes concurrent first uses create exactly one.
const BOOTSTRAP = `with claim as (
    insert into hop_meta (key, value) values ('bootstrap', now()::text) on conflict (key) do nothing returning 1
  ), admin as (
    insert into users (email, name, role)
    select 'admin@hop.invalid', 'Initial admin', 'admin' from claim where not exists (select 1 from users)
    returning id
  )
  insert into api_keys (user_id, name, prefix, hash) select id, 'initial', $2, $1 from admin returning id`;

const expired = (p: Principal) => p.keyExpiresAt !== null && Date.parse(p.keyExpiresAt) <= Date.now();

/** The principal for a presented secret, or null when it is unknown, revoked or expired. */
export async function authenticate(c: Context<AppEnv>, secret: string): Promise<Principal | null> {
  const hash = await hashKey(secret);
  const ttl = Math.min(c.var.config.LINK_CACHE_TTL_MS, MAX_TRUST_MS);
  let principal = ttl > 0 ? verified.get(hash) : undefined;
  if (!principal) {
    const client = db(c);
    let [row] = await client.query<Principal & { keyExpiresAt: Date | null }>(LOOKUP, [hash]);
    if (!row && secret === c.var.config.INITIAL_API_KEY) {
      await client.query(BOOTSTRAP, [hash, keyPrefix(secret)]);
      [row] = await client.query<Principal & { keyExpiresAt: Date | null }>(LOOKUP, [hash]);
    }
    if (!row) return null;
    principal = { ...row, keyExpiresAt: row.keyExpiresAt ? new Date(row.keyExpiresAt).toISOString() : null };
    if (ttl > 0) verified.set(hash, principal, { ttl });
  }
  if (expired(principal)) {
    verified.delete(hash);
    return null;
  }
  if (!touched.has(principal.keyId)) {
    touched.set(principal.keyId, true);
    defer(c, db(c).query('update api_keys set last_used_at = now() where id = $1', [principal.keyId]));
  }
  return principal;
}

/** Forgets cached principals at once in this isolate (revocation, role change, deletion). */
export function forgetPrincipals(match: (p: Principal) => boolean): void {
  for (const [hash, principal] of verified.entries()) if (match(principal)) verified.delete(hash);
}
