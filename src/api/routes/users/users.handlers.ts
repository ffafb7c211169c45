import type { RouteConfig, RouteHandler } from '@hono/zod-openapi';
import { NeonDbError } from '@neondatabase/serverless';
import type { Context } from 'hono';
import { db, type Row } from '../../db';
import { cursorColumn, keysetPage, paginate } from '../../http/pagination';
import { problem } from '../../http/problem';
import type { AppEnv } from '../../lib/env';
import type { createUserRoute, deleteUserRoute, getUserRoute, listUsersRoute, updateUserRoute } from './users.routes';
import { ADMIN_LOCK, DELETE_USER, INSERT_USER, SELECT_USER, toUser, UPDATE_USER, USER_EXISTS } from './users.queries';

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

const isDuplicateEmail = (error: unknown) =>
  error instanceof NeonDbError && error.code === '23505' && error.constraint === 'users_email_key';

const emailTaken = (c: Context<AppEnv>) =>
  problem(c, 'email-taken', { detail: 'Another user already has this email address (compared case-insensitively).' });

const notFound = (c: Context<AppEnv>, id: string) => problem(c, 'not-found', { detail: `No user has the id ${id}.` });

const lastAdmin = (c: Context<AppEnv>, change: string) =>
  problem(c, 'last-admin', { detail: `This is the last admin: make another user admin before ${change} this one.` });

export const listUsers: Handler<typeof listUsersRoute> = async (c) => {
  const { limit, cursor } = c.req.valid('query');
  const params: unknown[] = [];
  const rows = await db(c).query<Row & { cursorAt: string; id: string }>(
    `select ${SELECT_USER}, ${cursorColumn()} from users ${keysetPage({ cursor, limit }, [], params)}`,
    params,
  );
  return c.json(paginate(c, rows, limit, toUser), 200);
};

export const createUser: Handler<typeof createUserRoute> = async (c) => {
  const { email, name, role } = c.req.valid('json');
  try {
    const [row] = await db(c).query(INSERT_USER, [email, name, role]);
    const user = toUser(row!);
    return c.json(user, 201, { Location: `/api/v1/users/${user.id}` });
  } catch (error) {
    if (isDuplicateEmail(error)) return emailTaken(c);
    throw error;
  }
};

export const getUser: Handler<typeof getUserRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const [row] = await db(c).query(`select ${SELECT_USER} from users where id = $1`, [id]);
  return row ? c.json(toUser(row), 200) : notFound(c, id);
};

export const updateUser: Handler<typeof updateUserRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const { email, name, role } = c.req.valid('json');
  let updated: Row[];
  let exists: Row[];
  try {
    [, updated = [], exists = []] = await db(c).batch([
      ADMIN_LOCK,
      { text: UPDATE_USER, params: [id, email ?? null, name ?? null, role ?? null] },
      { text: USER_EXISTS, params: [id] },
    ]);
  } catch (error) {
    if (isDuplicateEmail(error)) return emailTaken(c);
    throw error;
  }
  if (!exists.length) return notFound(c, id);
  if (!updated.length) return lastAdmin(c, 'demoting');
  // Cached keys of this user carry its old role, email and name.
  c.var.principals.forget((p) => p.userId === id);
  return c.json(toUser(updated[0]!), 200);
};

export const deleteUser: Handler<typeof deleteUserRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const [, deleted = [], remaining = []] = await db(c).batch([
    ADMIN_LOCK,
    { text: DELETE_USER, params: [id] },
    { text: USER_EXISTS, params: [id] },
  ]);
  if (remaining.length) return lastAdmin(c, 'deleting');
  if (!deleted.length) return notFound(c, id);
  // Their keys went with them (on delete cascade): stop trusting cached ones now.
  c.var.principals.forget((p) => p.userId === id);
  return c.body(null, 204);
};
