import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/env';
import * as handlers from './clicks-stream.handlers';
import * as routes from './clicks-stream.routes';
import { ClickEventSchema } from './clicks-stream.schemas';

// The hub lives in the isolate (app.ts); the Node server's WebSocket reaches the feed through this route.
export { ClickHub } from './click-hub';

export const clicksStream = new OpenAPIHono<AppEnv>();
clicksStream.openAPIRegistry.register('ClickEvent', ClickEventSchema);
clicksStream
  .openapi(routes.streamClicksRoute, handlers.streamClicks)
  .openapi(routes.createTicketRoute, handlers.createTicket);
