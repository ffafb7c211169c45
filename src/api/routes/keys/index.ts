import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { forgetPrincipals, generateKey, hashKey, keyPrefix, type Principal } from '../../auth';
import { db, type Row } from '../../db';
import type { AppEnv } from '../../env';
import { afterCursor, paginate } from '../../http/pagination';
import { problem } from '../../http/problem';
import { invalid } from '../../http/validation';
import { iso } from '../users/schemas';
import { type ApiKey, createKeyRoute, getKeyRoute, listKeysRoute, revokeKeyRoute } from './keys.routes';

// Never the hash: it is all an attacker with read access would need to
// recognise a key, and clients have no use for it.
const COLUMNS = `k.id, k.name, k.prefix, k.user_id, u.role, k.created_at, k.last_used_at, k.expires_at`;

const toKey = (row: Row): ApiKey => ({
  id: row.id as string,
  name: row.name as string,
  prefix: row.prefix as string,
  userId: row.user_id as string,
  role: row.role as ApiKey['role'],
  createdAt: iso(row.created_at)!,
  lastUsedAt: iso(row.last_used_at),
  expiresAt: iso(row.expires_at),
});

const isAdmin = (p: Principal) => p.role === 'admin';

/** The owner a non-admin is confined to; null lets an admin see every key. */
const ownerScope = (p: Principal) => (isAdmin(p) ? null : p.userId);

const notFound = (c: Context<AppEnv>, id: string) =>
  problem(c, { status: 404, detail: `You have no API key with the id ${id}.` });

export const keys = new OpenAPIHono<AppEnv>()
  .openapi(createKeyRoute, async (c) => {
    const principal = c.get('principal');
    const { name, userId = principal.userId, expiresAt } = c.req.valid('json');
    if (userId !== principal.userId && !isAdmin(principal)) {
      return problem(c, { status: 403, detail: 'Only admins may create API keys for another user; omit userId.' });
    }
    const secret = generateKey();
    // Inserting from `users` makes an unknown userId insert nothing instead of failing on the foreign key.
    const [row] = await db(c).query(
      `with k as (
          insert into api_keys (user_id, name, prefix, hash, expires_at)
          select id, $2, $3, $4, $5::timestamptz from users where id = $1
          returning *
        )
        select ${COLUMNS} from k join users u on u.id = k.user_id`,
      [userId, name, keyPrefix(secret), await hashKey(secret), expiresAt ?? null],
    );
    if (!row) return invalid(c, { userId: ['No user has this id'] });
    const key = toKey(row);
    // The secret must not linger in any cache.
    return c.json({ ...key, key: secret }, 201, { Location: `/api/v1/keys/${key.id}`, 'Cache-Control': 'no-store' });
  })
  .openapi(listKeysRoute, async (c) => {
    const principal = c.get('principal');
    const { limit, cursor, userId } = c.req.valid('query');
    if (userId && userId !== principal.userId && !isAdmin(principal)) {
      return problem(c, { status: 403, detail: 'Only admins may list another user’s API keys.' });
    }
    const owner = userId ?? ownerScope(principal);
    const params: unknown[] = [];
    const where = ['k.revoked_at is null'];
    if (owner) where.push(`k.user_id = $${params.push(owner)}`);
    const after = afterCursor(cursor, params, 'k.');
    if (after) where.push(after);
    params.push(limit + 1);
    const rows = await db(c).query<Row & { cursorAt: string; id: string }>(
      `select ${COLUMNS}, k.created_at::text as "cursorAt" from api_keys k join users u on u.id = k.user_id
        where ${where.join(' and ')} order by k.created_at desc, k.id desc limit $${params.length}`,
      params,
    );
    const { items, nextCursor } = paginate(c, rows, limit);
    return c.json({ items: items.map(toKey), nextCursor }, 200);
  })
  .openapi(getKeyRoute, async (c) => {
    const { id } = c.req.valid('param');
    const [row] = await db(c).query(
      `select ${COLUMNS} from api_keys k join users u on u.id = k.user_id
        where k.id = $1 and k.revoked_at is null and ($2::uuid is null or k.user_id = $2::uuid)`,
      [id, ownerScope(c.get('principal'))],
    );
    return row ? c.json(toKey(row), 200) : notFound(c, id);
  })
  .openapi(revokeKeyRoute, async (c) => {
    const { id } = c.req.valid('param');
    const revoked = await db(c).query(
      `update api_keys set revoked_at = now()
        where id = $1 and revoked_at is null and ($2::uuid is null or user_id = $2::uuid) returning id`,
      [id, ownerScope(c.get('principal'))],
    );
    if (!revoked.length) return notFound(c, id);
    forgetPrincipals((p) => p.keyId === id);
    return c.body(null, 204);
  });
