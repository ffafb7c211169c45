import { fromRow, selectList, type Columns } from '../../db/model';
import type { User } from './users.schemas';

export const USER_COLUMNS = {
  id: { column: 'id', type: 'uuid' },
  email: { column: 'email', type: 'text' },
  name: { column: 'name', type: 'text' },
  role: { column: 'role', type: 'text' },
  createdAt: { column: 'created_at', type: 'timestamptz' },
  updatedAt: { column: 'updated_at', type: 'timestamptz' },
} as const satisfies Columns;

export const SELECT_USER = selectList(USER_COLUMNS);
export const toUser = (row: Record<string, unknown>): User => fromRow(USER_COLUMNS, row) as User;

// Every change that can remove an admin takes this lock first, in the same
// transaction, so two concurrent demotions or deletions cannot both see
// "another admin remains". The transactions stay READ COMMITTED: each
// statement after the lock sees what the previous holder committed.
export const ADMIN_LOCK = { text: "select pg_advisory_xact_lock(hashtext('hop:admins'))" };
const ANOTHER_ADMIN = "exists (select 1 from users other where other.role = 'admin' and other.id <> $1)";

export const INSERT_USER = `insert into users (email, name, role) values ($1, $2, $3) returning ${SELECT_USER}`;

export const UPDATE_USER = `update users set email = coalesce($2, email), name = coalesce($3, name),
    role = coalesce($4, role), updated_at = now()
  where id = $1 and ($4::text is null or $4::text = 'admin' or role <> 'admin' or ${ANOTHER_ADMIN})
  returning ${SELECT_USER}`;

export const DELETE_USER = `delete from users where id = $1 and (role <> 'admin' or ${ANOTHER_ADMIN}) returning id`;

export const USER_EXISTS = 'select 1 from users where id = $1';
