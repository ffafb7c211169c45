import { fromRow, selectList, type Columns } from '../../db/model';

export const WEBHOOK_COLUMNS = {
  id: { column: 'id', type: 'uuid' },
  url: { column: 'url', type: 'text' },
  events: { column: 'events', type: 'text[]' },
  description: { column: 'description', type: 'text', nullable: true },
  status: { column: 'status', type: 'text' },
  disabledReason: { column: 'disabled_reason', type: 'text', nullable: true },
  consecutiveFailures: { column: 'consecutive_failures', type: 'int' },
  previousSecretExpiresAt: { column: 'previous_secret_expires_at', type: 'timestamptz', nullable: true },
  createdAt: { column: 'created_at', type: 'timestamptz' },
  updatedAt: { column: 'updated_at', type: 'timestamptz' },
} as const satisfies Columns;

export const SELECT_WEBHOOK = selectList(WEBHOOK_COLUMNS);
export const toWebhookRecord = (row: Record<string, unknown>) => fromRow(WEBHOOK_COLUMNS, row);

export const DELIVERY_COLUMNS = {
  id: { column: 'id', type: 'uuid' },
  webhookId: { column: 'webhook_id', type: 'uuid' },
  eventId: { column: 'event_id', type: 'uuid' },
  status: { column: 'status', type: 'text' },
  attempts: { column: 'attempts', type: 'int' },
  lastStatusCode: { column: 'last_status_code', type: 'smallint', nullable: true },
  durationMs: { column: 'duration_ms', type: 'int', nullable: true },
  error: { column: 'last_error', type: 'text', nullable: true },
  responseExcerpt: { column: 'response_excerpt', type: 'text', nullable: true },
  lastAttemptAt: { column: 'last_attempt_at', type: 'timestamptz', nullable: true },
  nextAttemptAt: { column: 'next_attempt_at', type: 'timestamptz', nullable: true },
  createdAt: { column: 'created_at', type: 'timestamptz' },
} as const satisfies Columns;

/** A delivery with its event's type: `d` the delivery, `e` its event. */
export const SELECT_DELIVERY = `${selectList(DELIVERY_COLUMNS, 'd.')}, e.type as "eventType"`;
export const toDeliveryRecord = (row: Record<string, unknown>) => ({
  ...fromRow(DELIVERY_COLUMNS, row),
  eventType: row.eventType as string,
});

/** $1 url, $2 events, $3 description, $4 secret, $5 creator; link.clicked starts after the newest click. */
export const INSERT_WEBHOOK = `insert into webhooks (url, events, description, secret, created_by, clicks_cursor)
  values ($1, $2, $3, $4, $5, (select coalesce(max(id), 0) from clicks)) returning ${SELECT_WEBHOOK}`;

/** The old secret signs beside the new one ($2) for 24 h. */
export const ROTATE_SECRET = `update webhooks set previous_secret = secret, secret = $2,
    previous_secret_expires_at = now() + interval '24 hours', updated_at = now()
  where id = $1 returning ${SELECT_WEBHOOK}`;

/** A ping for one endpoint ($1), even one not subscribed to anything else; no row if there is none. */
export const INSERT_PING = `with w as (select id, status from webhooks where id = $1),
  event as (
    insert into webhook_events (type, data)
    select 'ping', jsonb_build_object('webhookId', w.id) from w where w.status = 'active' returning id
  ), delivery as (
    insert into webhook_deliveries (webhook_id, event_id) select $1, id from event returning id
  )
  select w.status, (select id from delivery) as "deliveryId" from w`;

/** Makes a delivery ($2 of endpoint $1) due now, unless an attempt is under way; no row if there is none. */
export const RETRY_DELIVERY = `with w as (select status from webhooks where id = $1),
  d as (
    update webhook_deliveries set status = 'pending', next_attempt_at = now()
    where id = $2 and webhook_id = $1 and (claimed_until is null or claimed_until < now())
      and (select status from w) = 'active'
    returning id
  )
  select w.status, exists (select 1 from webhook_deliveries where id = $2 and webhook_id = $1) as found,
    (select id from d) as "deliveryId"
  from w`;

export const DELIVERY_BY_ID = `select ${SELECT_DELIVERY} from webhook_deliveries d
  join webhook_events e on e.id = d.event_id where d.id = $1`;
