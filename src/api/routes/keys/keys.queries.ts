import { fromRow, selectList, type Columns } from '../../db/model';
import { cursorColumn } from '../../http/pagination';
import type { ApiKey } from './keys.schemas';

// Never the hash: it is all an attacker with read access would need to
// recognise a key, and clients have no use for it.
export const KEY_COLUMNS = {
  id: { column: 'k.id', type: 'uuid' },
  name: { column: 'k.name', type: 'text' },
  prefix: { column: 'k.prefix', type: 'text' },
  userId: { column: 'k.user_id', type: 'uuid' },
  role: { column: 'u.role', type: 'text' },
  createdAt: { column: 'k.created_at', type: 'timestamptz' },
  lastUsedAt: { column: 'k.last_used_at', type: 'timestamptz', nullable: true },
  expiresAt: { column: 'k.expires_at', type: 'timestamptz', nullable: true },
} as const satisfies Columns;

const SELECT_KEY = selectList(KEY_COLUMNS);
export const toKey = (row: Record<string, unknown>): ApiKey => fromRow(KEY_COLUMNS, row) as ApiKey;

const FROM = 'from api_keys k join users u on u.id = k.user_id';

// Inserting from `users` makes an unknown userId insert nothing instead of failing on the foreign key.
export const INSERT_KEY = `with k as (
    insert into api_keys (user_id, name, prefix, hash, expires_at)
    select id, $2, $3, $4, $5::timestamptz from users where id = $1
    returning *
  )
  select ${SELECT_KEY} from k join users u on u.id = k.user_id`;

export const listKeys = (tail: string) => `select ${SELECT_KEY}, ${cursorColumn('k.')} ${FROM} ${tail}`;

/** $2: the owner a non-admin is confined to, or null for admins. */
export const GET_KEY = `select ${SELECT_KEY} ${FROM}
  where k.id = $1 and k.revoked_at is null and ($2::uuid is null or k.user_id = $2::uuid)`;

export const REVOKE_KEY = `update api_keys set revoked_at = now()
  where id = $1 and revoked_at is null and ($2::uuid is null or user_id = $2::uuid) returning id`;
