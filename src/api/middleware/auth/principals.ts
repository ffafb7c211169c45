import { LRUCache } from 'lru-cache';
import type { Context } from 'hono';
import { db } from '../../db';
import { keyPrefix } from '../../lib/api-key';
import { MAX_KEY_TRUST_MS, type Config } from '../../lib/config';
import type { AppEnv } from '../../lib/env';
import { sha256Hex } from '../../lib/hash';
import { defer } from '../../lib/platform';
import { iso } from '../../lib/time';

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

/**
 * What one isolate remembers of keys: verified principals for at most
 * MAX_KEY_TRUST_MS (the bound on how long a revocation elsewhere goes unseen;
 * the isolate that revokes forgets at once), and which keys had last_used_at
 * written in the last minute.
 */
export class Principals {
  readonly verified = new LRUCache<string, Principal>({ max: 10_000, ttl: MAX_KEY_TRUST_MS });
  readonly touched = new LRUCache<string, true>({ max: 10_000, ttl: 60_000 });

  /** Forgets cached principals at once (revocation, role change, deletion). */
  forget(match: (p: Principal) => boolean): void {
    for (const [hash, principal] of this.verified.entries()) if (match(principal)) this.verified.delete(hash);
  }
}

declare module 'hono' {
  interface ContextVariableMap {
    principals: Principals;
    principal: Principal;
  }
}

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

const initialHashes = new WeakMap<Config, Promise<string | null>>();

/** The hash of INITIAL_API_KEY, computed once per configuration: presented keys are compared by hash. */
function initialKeyHash(config: Config): Promise<string | null> {
  let hash = initialHashes.get(config);
  if (!hash) {
    hash = config.INITIAL_API_KEY ? sha256Hex(config.INITIAL_API_KEY) : Promise.resolve(null);
    initialHashes.set(config, hash);
  }
  return hash;
}

const expired = (p: Principal) => p.keyExpiresAt !== null && Date.parse(p.keyExpiresAt) <= Date.now();

type PrincipalRow = Omit<Principal, 'keyExpiresAt'> & { keyExpiresAt: Date | null };

/** The principal for a presented secret, or null when it is unknown, revoked or expired. */
export async function authenticate(c: Context<AppEnv>, secret: string): Promise<Principal | null> {
  const { verified, touched } = c.var.principals;
  const hash = await sha256Hex(secret);
  const ttl = Math.min(c.var.config.LINK_CACHE_TTL_MS, MAX_KEY_TRUST_MS);
  let principal = ttl > 0 ? verified.get(hash) : undefined;
  if (!principal) {
    const client = db(c);
    let [row] = await client.query<PrincipalRow>(LOOKUP, [hash]);
    if (!row && hash === (await initialKeyHash(c.var.config))) {
      await client.query(BOOTSTRAP, [hash, keyPrefix(secret)]);
      [row] = await client.query<PrincipalRow>(LOOKUP, [hash]);
    }
    if (!row) return null;
    principal = { ...row, keyExpiresAt: iso(row.keyExpiresAt) };
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
