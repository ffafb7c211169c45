import { fromRow, selectList, type Columns } from '../../db/model';
import { selectLink } from '../links/links.queries';
import { deliveryIdsColumn, linkData, outboxCtes } from '../webhooks/outbox';

export const REPORT_COLUMNS = {
  id: { column: 'id', type: 'uuid' },
  linkId: { column: 'link_id', type: 'uuid' },
  reason: { column: 'reason', type: 'text' },
  details: { column: 'details', type: 'text', nullable: true },
  email: { column: 'email', type: 'text', nullable: true },
  status: { column: 'status', type: 'text' },
  note: { column: 'note', type: 'text', nullable: true },
  createdAt: { column: 'created_at', type: 'timestamptz' },
  updatedAt: { column: 'updated_at', type: 'timestamptz' },
} as const satisfies Columns;

/** A report with what an admin needs of its link. */
export const SELECT_REPORT = `${selectList(REPORT_COLUMNS, 'r.')}, l.slug as "linkSlug", l.disabled as "linkDisabled"`;
export const toReportRecord = (row: Record<string, unknown>) => ({
  ...fromRow(REPORT_COLUMNS, row),
  linkSlug: row.linkSlug as string,
  linkDisabled: row.linkDisabled as boolean,
});
export type ReportRecord = ReturnType<typeof toReportRecord>;

/** A report in webhook payloads (report.created, report.updated): not the reporter's email. */
const REPORT_DATA = `jsonb_build_object('id', s.id, 'linkId', s.link_id,
  'slug', (select slug from links where id = s.link_id), 'reason', s.reason, 'details', s.details,
  'status', s.status, 'note', s.note, 'createdAt', s.created_at, 'updatedAt', s.updated_at)`;

/**
 * Files a report against the link with slug $1: no row when there is no such
 * link. One round trip, with its report.created event (outbox).
 */
export const INSERT_REPORT = `with r as (
    insert into reports (link_id, reason, details, email)
    select id, $2, $3, $4 from links where slug = $1 returning *
  ), ${outboxCtes('reported', 'report.created', 'r', REPORT_DATA)}
  select id, ${deliveryIdsColumn('reported')} from r`;

/**
 * Changes a report ($1) and, when it becomes `actioned`, disables its link in
 * the same statement (reason: the report's). $2 status or null, $3 whether
 * the note changes, $4 the note, $5 the short domain (for the link.updated
 * event of a takedown). Every part sees the rows as they were, so the link's
 * state is read back from what `disabled` returns.
 */
export const UPDATE_REPORT = `with r as (
    update reports set status = coalesce($2, status), note = case when $3::boolean then $4 else note end,
      updated_at = now()
    where id = $1 returning *
  ), disabled as (
    update links set disabled = true, disabled_reason = r.reason, version = version + 1, updated_at = now()
    from r where links.id = r.link_id and r.status = 'actioned' and not links.disabled
    returning ${selectLink('links.')}
  ), ${outboxCtes('resolved', 'report.updated', 'r', REPORT_DATA)},
  ${outboxCtes('takedown', 'link.updated', 'disabled', linkData('$5'))}
  select ${selectList(REPORT_COLUMNS, 'r.')}, l.slug as "linkSlug",
    l.disabled or exists (select 1 from disabled) as "linkDisabled",
    (select slug from disabled) as "disabledSlug",
    (select array_agg(id) from (select id from resolved_deliveries union all select id from takedown_deliveries) x)
      as "webhookDeliveries"
  from r join links l on l.id = r.link_id`;
