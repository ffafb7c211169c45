// The outbox: SQL fragments a write appends to its own WITH, so an event and
// the change that causes it commit together (or neither), in the write's one
// round trip. Events are written only when an active endpoint subscribes:
// with none, a link write pays one index probe.

export const WEBHOOK_EVENT_TYPES = [
  'link.created',
  'link.updated',
  'link.deleted',
  'link.exhausted',
  'report.created',
  'report.updated',
  'ping',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * Two CTEs, `<name>_events` and `<name>_deliveries`: one `type` event per row
 * of `source` (aliased `s`), its payload `data` (SQL over `s`), and a pending
 * delivery, due now, for each active endpoint subscribed to `type`.
 */
export const outboxCtes = (name: string, type: WebhookEventType, source: string, data: string) =>
  `${name}_events as (
    insert into webhook_events (type, data)
    select '${type}', ${data} from ${source} s
    where exists (select 1 from webhooks where status = 'active' and events @> array['${type}'])
    returning id, type
  ), ${name}_deliveries as (
    insert into webhook_deliveries (webhook_id, event_id)
    select w.id, e.id from ${name}_events e join webhooks w on w.status = 'active' and w.events @> array[e.type]
    returning id
  )`;

/** How many of a write's deliveries it sends itself after the response; the schedulers send the rest. */
export const SEND_AFTER_RESPONSE = 100;

/**
 * A column with the ids of (at most SEND_AFTER_RESPONSE of) the deliveries
 * `outboxCtes(name, …)` made, null for none, to send after the response. On
 * the first row only: a bulk write's rows would each carry the whole list.
 */
export const deliveryIdsColumn = (name: string) =>
  `case when row_number() over () = 1 then (select array_agg(id) from (select id from ${name}_deliveries limit ${SEND_AFTER_RESPONSE}) x) end as "webhookDeliveries"`;

/**
 * A link row as the API shows it, in SQL: the selected columns (camelCase)
 * without the version, plus its short URL. `base` is a placeholder ($n).
 */
export const linkData = (base: string) =>
  `(to_jsonb(s) - 'version' - 'oldSlug') || jsonb_build_object('shortUrl', ${base}::text || '/' || s.slug)`;
