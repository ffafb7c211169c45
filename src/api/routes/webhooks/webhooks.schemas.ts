import { z } from '@hono/zod-openapi';
import { NextCursorSchema, PageQuerySchema } from '../../http/pagination';
import { chars, noNul } from '../../http/schemas';

/** What an endpoint may subscribe to; `ping` is sent on request only (POST …/test). */
export const SUBSCRIBABLE_EVENTS = [
  'link.created',
  'link.updated',
  'link.deleted',
  'link.exhausted',
  'link.clicked',
  'report.created',
  'report.updated',
] as const;

const EventSchema = z.enum(SUBSCRIBABLE_EVENTS).openapi({
  description:
    '`link.created`, `link.updated`, `link.deleted` (data: the link as the API shows it), or `link.exhausted` ' +
    '(a capped link reached its `maxClicks`; data: the link), or `link.clicked` (opt-in: batches of up to 80 ' +
    'clicks, `{ count, clicks: [{ linkId, slug, at, country, region, city, referrerHost, browser, os, device, ' +
    'bot }] }`, at most one a second per endpoint, sent by the scheduler one run after it sees them); ' +
    '`report.created`, `report.updated` (an abuse report filed, resolved; data: the report without the ' +
    "reporter's email). A takedown by an actioned report is also a `link.updated`.",
});

const UrlSchema = z
  .url({ protocol: /^https?$/, error: 'Must be an absolute https URL' })
  .max(2048)
  .refine(...noNul)
  .openapi({ description: 'Where events are POSTed: https on a public host, e.g. `https://example.com/hooks/hop`.' });

const EventsSchema = z
  .array(EventSchema)
  .min(1, 'Subscribe to at least one event')
  .max(SUBSCRIBABLE_EVENTS.length)
  .refine((events) => new Set(events).size === events.length, 'Must not repeat an event')
  .openapi({ description: 'The events to receive, e.g. `["link.created", "link.deleted"]`.' });

const DescriptionSchema = chars(0, 500).openapi({ description: 'For people: what this endpoint is for.' });

export const WebhookInputSchema = z
  .object({ url: UrlSchema, events: EventsSchema, description: DescriptionSchema.optional() })
  .strict()
  .openapi('WebhookInput');

export const WebhookPatchSchema = z
  .object({
    url: UrlSchema.optional(),
    events: EventsSchema.optional(),
    description: DescriptionSchema.nullable().optional(),
    status: z
      .enum(['active', 'disabled'])
      .optional()
      .openapi({ description: '`active` re-enables a disabled endpoint (its failure count starts over).' }),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'Provide url, events, description or status')
  .openapi('WebhookPatch');

const DateTime = z.string().openapi({ format: 'date-time' });

export const WebhookSchema = z
  .object({
    id: z.uuid(),
    url: z.string().openapi({ format: 'uri' }),
    events: z.array(EventSchema),
    description: z.string().nullable(),
    status: z.enum(['active', 'disabled']),
    disabledReason: z.string().nullable().openapi({
      description: 'Why it is disabled: by an admin, `The endpoint answered 410 Gone`, or 20 consecutive failures.',
    }),
    consecutiveFailures: z.number().int(),
    previousSecretExpiresAt: DateTime.nullable().openapi({
      description: 'After a rotation: until when the previous secret still signs beside the new one.',
    }),
    createdAt: DateTime,
    updatedAt: DateTime,
  })
  .openapi('Webhook');

export const WebhookWithSecretSchema = WebhookSchema.extend({
  secret: z.string().openapi({
    description: 'The signing secret (`whsec_` + base64 of 32 bytes). Shown only here: store it now.',
  }),
}).openapi('WebhookWithSecret');

export const WebhookPageSchema = z
  .object({ items: z.array(WebhookSchema), nextCursor: NextCursorSchema })
  .openapi('WebhookPage');

export const DeliverySchema = z
  .object({
    id: z.uuid(),
    webhookId: z.uuid(),
    eventId: z.uuid().openapi({ description: 'The `webhook-id` header: the same on every attempt.' }),
    eventType: z.string().openapi({ description: 'e.g. `link.created`, `ping`.' }),
    status: z.enum(['pending', 'delivered', 'failed']).openapi({
      description: '`pending` (due at `nextAttemptAt`), `delivered`, or `failed` (no attempts left).',
    }),
    attempts: z.number().int(),
    lastStatusCode: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'What the receiver answered; null: no answer.' }),
    durationMs: z.number().int().nullable(),
    error: z.string().nullable().openapi({ description: 'Why the last attempt failed.' }),
    responseExcerpt: z.string().nullable().openapi({ description: 'The first bytes (≤ 1 KB) of the last answer.' }),
    lastAttemptAt: DateTime.nullable(),
    nextAttemptAt: DateTime.nullable(),
    createdAt: DateTime,
  })
  .openapi('WebhookDelivery');

export const DeliveryPageSchema = z
  .object({ items: z.array(DeliverySchema), nextCursor: NextCursorSchema })
  .openapi('WebhookDeliveryPage');

export const ListDeliveriesQuerySchema = PageQuerySchema.extend({
  status: z
    .enum(['pending', 'delivered', 'failed'])
    .optional()
    .openapi({ description: 'Only deliveries in this state, e.g. `failed`.' }),
});

export const DeliveryParamSchema = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
  deliveryId: z.uuid().openapi({ param: { name: 'deliveryId', in: 'path' } }),
});

export const CronResultSchema = z
  .object({
    claimed: z.number().int(),
    delivered: z.number().int(),
    failed: z.number().int(),
  })
  .openapi('WebhookCronResult');

export type WebhookInput = z.infer<typeof WebhookInputSchema>;
export type Webhook = z.infer<typeof WebhookSchema>;
export type Delivery = z.infer<typeof DeliverySchema>;
