import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/env';
import * as handlers from './clicks-stream.handlers';
import * as routes from './clicks-stream.routes';
import { ClickEventSchema } from './clicks-stream.schemas';

export { ClickHub, type FeedClick, type Listener, type Scope } from './click-hub';
export { decodeCursor, encodeCursor, type Cursor } from './cursor';
export { scopeKey, STREAM_TICKET_USE, verifyTicket } from './tickets';

export const clicksStream = new OpenAPIHono<AppEnv>();
clicksStream.openAPIRegistry.register('ClickEvent', ClickEventSchema);
clicksStream
  .openapi(routes.streamClicksRoute, handlers.streamClicks)
  .openapi(routes.createTicketRoute, handlers.createTicket);
