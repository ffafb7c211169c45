import { OpenAPIHono } from '@hono/zod-openapi';
import { NeonDbError } from '@neondatabase/serverless';
import type { Context } from 'hono';
import { forgetPrincipals } from '../../auth';
import { db, type Row } from '../../db';
import type { AppEnv } from '../../env';
import { afterCursor, paginate } from '../../http/pagination';
import { problem } from '../../http/problem';
import { iso, type User } from './schemas';
import { createUserRoute, deleteUserRoute, getUserRoute, listUsersRoute, updateUserRoute } from './users.routes';

const COLUMNS = 'id, email, name, role, created_at, updated_at';

const toUser = (row: Row): User => ({
  id: row.id as string,
  email: row.email as string,
  name: row.name as string,
  role: row.role as User['role'],
  createdAt: iso(row.created_at)!,
  updatedAt: iso(row.updated_at)!,
});

// Every change that can remove an admin takes this lock first, in the same
// transaction, so two concurrent demotions or deletions cannot both see
// "another admin remains". The transactions stay READ COMMITTED: each
// statement after the lock sees what the previous holder committed.
const ADMIN_LOCK = { text: "select pg_advisory_xact_lock(hashtext('hop:admins'))" };
const ANOTHER_ADMIN = "exists (select 1 from users other where other.role = 'admin' and other.id <> $1)";

const isDuplicateEmail = (error: unknown) =>
  error instanceof NeonDbError && error.code === '23505' && error.constraint === 'users_email_key';

const duplicateEmail = (c: Context<AppEnv>) =>
  problem(c, { status: 409, detail: 'Another user already has this email address (compared case-insensitively).' });

const notFound = (c: Context<AppEnv>, id: string) => problem(c, { status: 404, detail: `No user has the id ${id}.` });

const location = (id: string) => ({ Location: `/api/v1/users/${id}` });

export const users = new OpenAPIHono<AppEnv>()
  .openapi(listUsersRoute, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const params: unknown[] = [];
    const after = afterCursor(cursor, params);
    params.push(limit + 1);
    const rows = await db(c).query<Row & { cursorAt: string; id: string }>(
      `select ${COLUMNS}, created_at::text as "cursorAt" from users ${after ? `where ${after}` : ''}
        order by created_at desc, id desc limit $${params.length}`,
      params,
    );
    const { items, nextCursor } = paginate(c, rows, limit);
    return c.json({ items: items.map(toUser), nextCursor }, 200);
  })
  .openapi(createUserRoute, async (c) => {
    const { email, name, role } = c.req.valid('json');
    try {
      const [row] = await db(c).query(
        `insert into users (email, name, role) values ($1, $2, $3) returning ${COLUMNS}`,
        [email, name, role],
      );
      const user = toUser(row!);
      return c.json(user, 201, location(user.id));
    } catch (error) {
      if (isDuplicateEmail(error)) return duplicateEmail(c);
      throw error;
    }
  })
  .openapi(getUserRoute, async (c) => {
    const { id } = c.req.valid('param');
    const [row] = await db(c).query(`select ${COLUMNS} from users where id = $1`, [id]);
    return row ? c.json(toUser(row), 200) : notFound(c, id);
  })
  .openapi(updateUserRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { email, name, role } = c.req.valid('json');
    let updated: Row[];
    let exists: Row[];
    try {
      [, updated = [], exists = []] = await db(c).batch([
        ADMIN_LOCK,
        {
          text: `update users set email = coalesce($2, email), name = coalesce($3, name), role = coalesce($4, role),
              updated_at = now()
            where id = $1 and ($4::text is null or $4::text = 'admin' or role <> 'admin' or ${ANOTHER_ADMIN})
            returning ${COLUMNS}`,
          params: [id, email ?? null, name ?? null, role ?? null],
        },
        { text: 'select 1 from users where id = $1', params: [id] },
      ]);
    } catch (error) {
      if (isDuplicateEmail(error)) return duplicateEmail(c);
      throw error;
    }
    if (!exists.length) return notFound(c, id);
    if (!updated.length) {
      return problem(c, {
        status: 409,
        detail: 'This is the last admin: make another user admin before demoting this one.',
      });
    }
    // Cached keys of this user carry its old role, email and name.
    forgetPrincipals((p) => p.userId === id);
    return c.json(toUser(updated[0]!), 200);
  })
  .openapi(deleteUserRoute, async (c) => {
    const { id } = c.req.valid('param');
    const [, deleted = [], remaining = []] = await db(c).batch([
      ADMIN_LOCK,
      {
        text: `delete from users where id = $1 and (role <> 'admin' or ${ANOTHER_ADMIN}) returning id`,
        params: [id],
      },
      { text: 'select 1 from users where id = $1', params: [id] },
    ]);
    if (remaining.length) {
      return problem(c, {
        status: 409,
        detail: 'This is the last admin: make another user admin before deleting this one.',
      });
    }
    if (!deleted.length) return notFound(c, id);
    // Their keys went with them (on delete cascade): stop trusting cached ones now.
    forgetPrincipals((p) => p.userId === id);
    return c.body(null, 204);
  });
