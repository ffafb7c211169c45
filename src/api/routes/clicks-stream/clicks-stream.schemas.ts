import { z } from '@hono/zod-openapi';
import { repeatable } from '../../http/schemas';
import { ClickSchema } from '../analytics/analytics.schemas';
import { decodeCursor } from './cursor';

const scopeFields = {
  linkId: repeatable(z.string().uuid(), 50).optional().openapi({
    description: 'Only clicks of these links (repeat the parameter for several).',
  }),
  tag: repeatable(z.string().min(1).max(50), 10).optional().openapi({
    description: 'Only clicks of links with any of these tags (repeatable). With `linkId`, both must match.',
  }),
  bots: z.enum(['exclude', 'include', 'only']).optional().openapi({
    description: 'Clicks by bots: left out (`exclude`, the default), kept (`include`) or alone (`only`).',
  }),
};

export const CursorSchema = z
  .string()
  .refine((value) => decodeCursor(value) !== null, 'Must be a cursor this feed sent (an event id)');

export const StreamQuerySchema = z.object({
  ...scopeFields,
  since: CursorSchema.optional().openapi({
    description:
      'Resume after this cursor (an event `id`), like the `Last-Event-ID` header EventSource sends on reconnect, ' +
      'which wins when both are given.',
  }),
  ticket: z
    .string()
    .max(2_000)
    .optional()
    .openapi({
      description:
        'A ticket from `POST /api/v1/clicks/stream/tickets`, for clients that cannot send `Authorization` ' +
        '(the browser’s EventSource). Its scope must be the request’s. API keys are never accepted here.',
    }),
});

export const StreamHeadersSchema = z.object({
  'last-event-id': CursorSchema.optional().openapi({
    description: 'The last event id received: the stream resumes after it.',
  }),
});

export const TicketInputSchema = z
  .object({
    linkId: z.array(z.uuid()).max(50).optional().openapi({ description: 'The stream’s `linkId` values, if any.' }),
    tag: z.array(z.string().min(1).max(50)).max(10).optional().openapi({ description: 'Its `tag` values, if any.' }),
    bots: scopeFields.bots,
  })
  .strict()
  .openapi('StreamTicketInput');

export const TicketSchema = z
  .object({
    ticket: z.string().openapi({ description: 'Pass as `?ticket=` on the stream, with the same scope.' }),
    expiresAt: z.string().openapi({ description: 'It must be used before then (60 s).' }),
    streamUrl: z.string().openapi({ description: 'The stream’s URL with this scope and the ticket.' }),
  })
  .openapi('StreamTicket');

// The click list's shape (analytics) plus the link's slug, so a feed client needs no lookup.
export const ClickEventSchema = ClickSchema.extend({ slug: z.string() }).openapi('ClickEvent', {
  description: 'The `data` of an `event: click`.',
});
