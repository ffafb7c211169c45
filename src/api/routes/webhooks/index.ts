import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/env';
import * as handlers from './webhooks.handlers';
import * as routes from './webhooks.routes';

export { dispatch, type DispatchResult } from './dispatcher';

export const webhooks = new OpenAPIHono<AppEnv>();
webhooks
  .openapi(routes.createWebhookRoute, handlers.createWebhook)
  .openapi(routes.listWebhooksRoute, handlers.listWebhooks)
  .openapi(routes.getWebhookRoute, handlers.getWebhook)
  .openapi(routes.updateWebhookRoute, handlers.updateWebhook)
  .openapi(routes.deleteWebhookRoute, handlers.deleteWebhook)
  .openapi(routes.rotateSecretRoute, handlers.rotateSecret)
  .openapi(routes.testWebhookRoute, handlers.testWebhook)
  .openapi(routes.listDeliveriesRoute, handlers.listDeliveries)
  .openapi(routes.retryDeliveryRoute, handlers.retryDelivery)
  .openapi(routes.cronRoute, handlers.runCron);
export { deliverAfterResponse } from './after-response';
export { deliveryIdsColumn, linkData, outboxCtes } from './outbox';
export { sendDueWebhooks } from './scheduled';
