// The feed reads clicks by (tx, id) (migration 0009): only rows whose
// transaction is final, i.e. below the oldest running transaction, so no
// later commit can land behind a position already handed out.

const EVENT_COLUMNS = `c.id::text as id, c.tx::text as tx, c.link_id as "linkId", l.slug, l.tags, c.at, c.country,
  c.region, c.city, c.referrer_host as referrer, c.browser, c.os, c.device, c.is_bot as "isBot"`;

/**
 * The horizon: every transaction below it has ended, or belongs to another
 * database of the cluster (which cannot write these clicks). It is the
 * snapshot's oldest running transaction (pg_snapshot_xmin) except that
 * transactions seen running in another database are passed over: a long
 * migration next door must not hold the feed back. A transaction whose
 * database cannot be told (ended meanwhile, or hidden from this role)
 * counts, which is only ever late, never wrong. xid8 to xid: modulo 2^32.
 */
const HORIZON = `s as (select pg_current_snapshot() as snap),
  h as (select coalesce(
    (select min(x) from pg_snapshot_xip(s.snap) x where not exists (
      select 1 from pg_stat_activity a where a.datname is distinct from current_database()
        and a.backend_xid::text = (x::text::numeric % 4294967296)::text)),
    pg_snapshot_xmax(s.snap)) as x from s)`;

/**
 * The shared poller's one query per tick: every final click after ($1 tx,
 * $2 id), at most $3, with the horizon it read up to. $1 null: nothing
 * after the horizon yet (where a fresh poller starts). Always one row at
 * least (the horizon's), with null click columns when nothing is new.
 */
export const POLL_CLICKS = `with ${HORIZON}
  select h.x::text as horizon, c.* from h left join lateral (
    select ${EVENT_COLUMNS} from clicks c join links l on l.id = c.link_id
    where (c.tx, c.id) > (coalesce($1::xid8, h.x), $2::bigint) and c.tx < h.x
    order by c.tx, c.id limit $3
  ) c on true order by c.tx, c.id`;

/**
 * A resuming stream's missed clicks: after ($1 tx, $2 id) up to and
 * including ($3 tx, $4 id), the poller's position when it subscribed (all
 * final then), at most a day old, in its scope: $5 link ids or null, $6 tags
 * or null, $7 bots (exclude, include, only). At most $8 rows.
 */
export const CATCH_UP_CLICKS = `select ${EVENT_COLUMNS} from clicks c join links l on l.id = c.link_id
  where (c.tx, c.id) > ($1::xid8, $2::bigint) and (c.tx, c.id) <= ($3::xid8, $4::bigint)
    and c.at > now() - interval '24 hours'
    and ($5::uuid[] is null or c.link_id = any ($5::uuid[]))
    and ($6::text[] is null or l.tags && $6::text[])
    and ($7 = 'include' or c.is_bot = ($7 = 'only'))
  order by c.tx, c.id limit $8`;

/** Who a ticket's key acts for, if the key still works (revoked or expired: no row). */
export const TICKET_PRINCIPAL = `select k.id as "keyId", k.name as "keyName", k.prefix as "keyPrefix",
    k.expires_at as "keyExpiresAt", u.id as "userId", u.email, u.name, u.role
  from api_keys k join users u on u.id = k.user_id
  where k.id = $1 and k.revoked_at is null and (k.expires_at is null or k.expires_at > now())`;
