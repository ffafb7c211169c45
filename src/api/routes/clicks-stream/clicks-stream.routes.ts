import { z } from '@hono/zod-openapi';
import { jsonContent } from '../../http/schemas';
import { defineRoute } from '../define-route';
import { streamAuth } from './stream-auth';
import {
  ClickEventSchema,
  StreamHeadersSchema,
  StreamQuerySchema,
  TicketInputSchema,
  TicketSchema,
} from './clicks-stream.schemas';

const TAGS = ['Live clicks'];

export const streamClicksRoute = defineRoute({
  method: 'get',
  path: '/api/v1/clicks/stream',
  operationId: 'streamClicks',
  tags: TAGS,
  summary: 'Follow clicks as they happen (Server-Sent Events)',
  description:
    'Viewer and up, by `Authorization: Bearer` or `?ticket=`. A `text/event-stream`: `retry: 3000` first, then ' +
    '`event: ready` (its `id` is where the stream starts), then one `event: click` per click (`data`: a ' +
    '`ClickEvent`, `id`: an opaque, increasing cursor), and a `: keep-alive` comment every 15 s when idle. ' +
    'Reconnecting with `Last-Event-ID` (EventSource does it) or `?since=` first sends every click missed, up ' +
    'to 24 h back and 10,000 events; beyond that one `event: reset` whose `id` is the new starting point. ' +
    'A click reaches the stream within about a second. The stream ends after `STREAM_MAX_SECONDS` (280 s by ' +
    'default): reconnect with the last id.',
  auth: 'viewer',
  authenticate: streamAuth(),
  request: { query: StreamQuerySchema, headers: StreamHeadersSchema },
  responses: {
    200: {
      description: 'The stream of events. Example: `id: djEuNzU0LjEuMTc2NDU3NjAwMA\\nevent: click\\ndata: {…}`.',
      headers: z.object({ 'Cache-Control': z.string().openapi({ description: '`no-store`' }) }),
      content: { 'text/event-stream': { schema: z.string().openapi({ description: 'Server-sent events.' }) } },
    },
  },
});

export const createTicketRoute = defineRoute({
  method: 'post',
  path: '/api/v1/clicks/stream/tickets',
  operationId: 'createStreamTicket',
  tags: TAGS,
  summary: 'Get a ticket for the click stream',
  description:
    'For browsers, whose EventSource cannot send `Authorization`: a signed ticket good for 60 s, for opening ' +
    'the stream with exactly this scope as the calling key (`?ticket=`). Useless on any other operation. Ask ' +
    'for a new one at each reconnect.',
  auth: 'viewer',
  request: {
    body: { required: false, content: jsonContent(TicketInputSchema, { tag: ['launch'] }) },
  },
  responses: { 200: { description: 'The ticket.', content: jsonContent(TicketSchema) } },
});
