import { columnNames, fromRow, pick, recordsetTypes, selectList, type Columns, type RecordOf } from '../../db/model';
import { deliveryIdsColumn, linkData, outboxCtes } from '../webhooks/outbox';

// The link model: every column once. SELECT lists, the row mapper, the
// insert recordset, PATCH's SET clause, and what the redirect path caches
// and looks up all derive from it. A new field: the migration, this map and
// the schema (links.schemas.ts). `writable`: set on create and by PATCH;
// `patchable`: by PATCH only (a link is created enabled).
export const LINK_COLUMNS = {
  id: { column: 'id', type: 'uuid', redirect: true },
  slug: { column: 'slug', type: 'text', writable: true },
  url: { column: 'url', type: 'text', writable: true, redirect: true },
  title: { column: 'title', type: 'text', nullable: true, writable: true },
  tags: { column: 'tags', type: 'text[]', writable: true },
  expiresAt: { column: 'expires_at', type: 'timestamptz', nullable: true, writable: true, redirect: true },
  expiredUrl: { column: 'expired_url', type: 'text', nullable: true, writable: true, redirect: true },
  maxClicks: { column: 'max_clicks', type: 'int', nullable: true, writable: true, redirect: true },
  exhaustedUrl: { column: 'exhausted_url', type: 'text', nullable: true, writable: true, redirect: true },
  redirectStatus: { column: 'redirect_status', type: 'smallint', writable: true, redirect: true },
  forwardQuery: { column: 'forward_query', type: 'boolean', writable: true, redirect: true },
  disabled: { column: 'disabled', type: 'boolean', patchable: true, redirect: true },
  disabledReason: { column: 'disabled_reason', type: 'text', nullable: true, patchable: true, redirect: true },
  clicks: { column: 'clicks', type: 'bigint' },
  version: { column: 'version', type: 'int' },
  createdAt: { column: 'created_at', type: 'timestamptz' },
  updatedAt: { column: 'updated_at', type: 'timestamptz' },
} as const satisfies Columns;

type LinkColumns = typeof LINK_COLUMNS;
type FieldsWith<Flag extends string> = {
  [K in keyof LinkColumns]: LinkColumns[K] extends Record<Flag, true> ? K : never;
}[keyof LinkColumns];

export type WritableField = FieldsWith<'writable'>;
export type PatchableField = WritableField | FieldsWith<'patchable'>;
const fieldsWith = <Flag extends 'writable' | 'patchable' | 'redirect'>(flag: Flag) =>
  (Object.keys(LINK_COLUMNS) as (keyof LinkColumns)[]).filter(
    (field) => (LINK_COLUMNS[field] as Record<string, unknown>)[flag] === true,
  ) as FieldsWith<Flag>[];

export const WRITABLE_FIELDS = fieldsWith('writable');
const WRITABLE = pick(LINK_COLUMNS, WRITABLE_FIELDS);
const PATCHABLE = pick(LINK_COLUMNS, [...WRITABLE_FIELDS, ...fieldsWith('patchable')]);
export const REDIRECT_COLUMNS = pick(LINK_COLUMNS, fieldsWith('redirect'));

/** A link row as the API sees it (before shortUrl and qrUrl are added). */
export type LinkRecord = RecordOf<LinkColumns>;
export const selectLink = (table = '') => selectList(LINK_COLUMNS, table);
export const SELECT_LINK = selectLink();
export const toLinkRecord = (row: Record<string, unknown>) => fromRow(LINK_COLUMNS, row);

/** A recordset row for INSERT_LINKS: writable columns by column name, plus the input's position. */
export const insertRecord = (ord: number, values: { [K in WritableField]?: unknown }) => ({
  ord,
  ...Object.fromEntries(WRITABLE_FIELDS.map((field) => [WRITABLE[field].column, values[field] ?? null])),
});

/**
 * One INSERT for one or many links: all-or-nothing, one round trip. With an
 * Idempotency-Key the insert runs only while the claim is ours, and records
 * the rows as the claim's result in the same statement.
 */
export const insertLinks = (
  fence: { lock: string; owned: string; record: (s: number, r: string) => string },
  base: string,
) =>
  `with ${fence.lock},
  inserted as (
    insert into links (${columnNames(WRITABLE)}, created_by)
    select ${columnNames(WRITABLE)}, $2 from jsonb_to_recordset($1::jsonb) as x(ord int, ${recordsetTypes(WRITABLE)})
    where ${fence.owned}
    order by ord
    returning ${SELECT_LINK}
  ), ${fence.record(201, '(select jsonb_agg(to_jsonb(inserted)) from inserted)')},
  ${outboxCtes('created', 'link.created', 'inserted', linkData(base))}
  select *, ${deliveryIdsColumn('created')} from inserted`;

/**
 * A PATCH of link $1 (`sets` from setClause), only at a version in $v (null:
 * any), with its link.updated event; `base` the short domain's placeholder.
 */
export const updateLink = (sets: string[], v: number, base: string) =>
  `with old as (select id, slug from links where id = $1),
  updated as (
    update links set ${sets.join(', ')}, version = version + 1, updated_at = now()
    from old where links.id = old.id and ($${v}::int[] is null or links.version = any($${v}::int[]))
    returning ${selectLink('links.')}, old.slug as "oldSlug"
  ), ${outboxCtes('updated', 'link.updated', 'updated', linkData(base))}
  select *, ${deliveryIdsColumn('updated')} from updated`;

/** Deletes link $1 at a version in $2 (null: any), with its link.deleted event; $3 the short domain. */
export const DELETE_LINK = `with deleted as (
    delete from links where id = $1 and ($2::int[] is null or version = any($2::int[])) returning ${SELECT_LINK}
  ), ${outboxCtes('deleted', 'link.deleted', 'deleted', linkData('$3'))}
  select slug, ${deliveryIdsColumn('deleted')} from deleted`;

/** `col = $n` for each field of a patch, appending its values to `params`. */
export const setClause = (patch: { [K in PatchableField]?: unknown }, params: unknown[]) =>
  (Object.keys(patch) as PatchableField[]).map((field) => `${PATCHABLE[field].column} = $${params.push(patch[field])}`);

// Constraint names (migrations) → the field a violation is about.
export const CHECK_FIELDS: Record<string, [field: PatchableField, message: string]> = {
  links_expired_url_needs_expires_at: ['expiredUrl', 'Needs expiresAt: clear expiredUrl too, or keep expiresAt'],
  links_exhausted_url_needs_max_clicks: ['exhaustedUrl', 'Needs maxClicks: clear exhaustedUrl too, or keep maxClicks'],
  links_disabled_reason_needs_disabled: ['disabledReason', 'Needs disabled: true (the link is enabled)'],
};

/** Disables a link (an actioned report), returning its slug for the link cache; $1 the link, $2 the reason. */
export const DISABLE_LINK = `update links set disabled = true, disabled_reason = $2, version = version + 1,
    updated_at = now() where id = $1 returning slug`;
