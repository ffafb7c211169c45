import type { RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { db, type Row } from '../../db';
import { keysetPage, paginate } from '../../http/pagination';
import { problem } from '../../http/problem';
import { invalid } from '../../http/validation';
import { generateKey, keyPrefix } from '../../lib/api-key';
import type { AppEnv } from '../../lib/env';
import { sha256Hex } from '../../lib/hash';
import type { Principal } from '../../middleware/auth';
import type { createKeyRoute, getKeyRoute, listKeysRoute, revokeKeyRoute } from './keys.routes';
import { GET_KEY, INSERT_KEY, listKeys as listKeysSql, REVOKE_KEY, toKey } from './keys.queries';

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

const isAdmin = (p: Principal) => p.role === 'admin';

/** The owner a non-admin is confined to; null lets an admin see every key. */
const ownerScope = (p: Principal) => (isAdmin(p) ? null : p.userId);

const notFound = (c: Context<AppEnv>, id: string) =>
  problem(c, 'not-found', { detail: `You have no API key with the id ${id}.` });

export const createKey: Handler<typeof createKeyRoute> = async (c) => {
  const principal = c.get('principal');
  const { name, userId = principal.userId, expiresAt } = c.req.valid('json');
  if (userId !== principal.userId && !isAdmin(principal)) {
    return problem(c, 'forbidden', { detail: 'Only admins may create API keys for another user; omit userId.' });
  }
  const secret = generateKey();
  const [row] = await db(c).query(INSERT_KEY, [
    userId,
    name,
    keyPrefix(secret),
    await sha256Hex(secret),
    expiresAt ?? null,
  ]);
  if (!row) return invalid(c, { userId: ['No user has this id'] });
  const key = toKey(row);
  // The secret must not linger in any cache.
  return c.json({ ...key, key: secret }, 201, { Location: `/api/v1/keys/${key.id}`, 'Cache-Control': 'no-store' });
};

export const listKeys: Handler<typeof listKeysRoute> = async (c) => {
  const principal = c.get('principal');
  const { limit, cursor, userId } = c.req.valid('query');
  if (userId && userId !== principal.userId && !isAdmin(principal)) {
    return problem(c, 'forbidden', { detail: 'Only admins may list another user’s API keys.' });
  }
  const owner = userId ?? ownerScope(principal);
  const params: unknown[] = [];
  const where = ['k.revoked_at is null'];
  if (owner) where.push(`k.user_id = $${params.push(owner)}`);
  const rows = await db(c).query<Row & { cursorAt: string; id: string }>(
    listKeysSql(keysetPage({ cursor, limit }, where, params, 'k.')),
    params,
  );
  return c.json(paginate(c, rows, limit, toKey), 200);
};

export const getKey: Handler<typeof getKeyRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const [row] = await db(c).query(GET_KEY, [id, ownerScope(c.get('principal'))]);
  return row ? c.json(toKey(row), 200) : notFound(c, id);
};

export const revokeKey: Handler<typeof revokeKeyRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const revoked = await db(c).query(REVOKE_KEY, [id, ownerScope(c.get('principal'))]);
  if (!revoked.length) return notFound(c, id);
  c.var.principals.forget((p) => p.keyId === id);
  return c.body(null, 204);
};
