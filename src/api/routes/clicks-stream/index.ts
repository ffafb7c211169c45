import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/env';
import * as handlers from './clicks-stream.handlers';
import * as routes from './clicks-stream.routes';
import { ClickEventSchema } from './clicks-stream.schemas';

// The feed's parts for other hosts (the Node server's WebSocket): the hub, its options, cursors, tickets.
export { ClickHub, MAX_CATCH_UP, type FeedClick, type HubOptions, type Listener, type Scope } from './click-hub';
export { decodeCursor, encodeCursor, type Cursor } from './cursor';
export { hubOptions } from './hub-options';
export { sseEvent } from './sse';
export { scopeOf, ticketPrincipal } from './stream-auth';
export { scopeKey, STREAM_TICKET_USE } from './tickets';

export const clicksStream = new OpenAPIHono<AppEnv>();
clicksStream.openAPIRegistry.register('ClickEvent', ClickEventSchema);
clicksStream
  .openapi(routes.streamClicksRoute, handlers.streamClicks)
  .openapi(routes.createTicketRoute, handlers.createTicket);
