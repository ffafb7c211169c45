import { LinkHeader, PageQuerySchema } from '../../http/pagination';
import { IdParamSchema, LocationHeader, jsonContent } from '../../http/schemas';
import { defineRoute } from '../define-route';
import {
  CronResultSchema,
  DeliveryPageSchema,
  DeliveryParamSchema,
  DeliverySchema,
  ListDeliveriesQuerySchema,
  WebhookInputSchema,
  WebhookPageSchema,
  WebhookPatchSchema,
  WebhookSchema,
  WebhookWithSecretSchema,
} from './webhooks.schemas';

const TAGS = ['Webhooks'];

const DELIVERY =
  'Each event is POSTed as `{ "type", "timestamp", "data" }` with the Standard Webhooks headers `webhook-id` ' +
  '(the same on every retry: de-duplicate by it), `webhook-timestamp` and `webhook-signature` ' +
  '(`v1,<base64 HMAC-SHA256 of id.timestamp.body>`). Delivery is at least once, in no promised order; a ' +
  'non-2xx answer or none within 10 s is retried after about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 24 h ' +
  '(longer if the receiver sends `Retry-After`). A `410 Gone` answer, or 20 failures in a row, disables the ' +
  'endpoint. Redirects are not followed.';

export const createWebhookRoute = defineRoute({
  method: 'post',
  path: '/api/v1/webhooks',
  operationId: 'createWebhook',
  tags: TAGS,
  summary: 'Subscribe an endpoint to events',
  description: `Answers with the signing secret, once. ${DELIVERY}`,
  auth: 'admin',
  request: {
    body: {
      required: true,
      content: jsonContent(WebhookInputSchema, { url: 'https://example.com/hooks/hop', events: ['link.created'] }),
    },
  },
  responses: {
    201: {
      description: 'Subscribed. Store `secret` now.',
      headers: LocationHeader,
      content: jsonContent(WebhookWithSecretSchema),
    },
  },
});

export const listWebhooksRoute = defineRoute({
  method: 'get',
  path: '/api/v1/webhooks',
  operationId: 'listWebhooks',
  tags: TAGS,
  summary: 'List webhook endpoints',
  description: 'Newest first, cursor-paginated (`Link: rel="next"`). Secrets are never shown again.',
  auth: 'admin',
  request: { query: PageQuerySchema },
  responses: {
    200: { description: 'A page of endpoints.', headers: LinkHeader, content: jsonContent(WebhookPageSchema) },
  },
});

export const getWebhookRoute = defineRoute({
  method: 'get',
  path: '/api/v1/webhooks/{id}',
  operationId: 'getWebhook',
  tags: TAGS,
  summary: 'Get a webhook endpoint',
  description: 'Its subscription, status (with the reason when disabled) and failure count.',
  auth: 'admin',
  errors: ['not-found'],
  request: { params: IdParamSchema },
  responses: { 200: { description: 'The endpoint.', content: jsonContent(WebhookSchema) } },
});

export const updateWebhookRoute = defineRoute({
  method: 'patch',
  path: '/api/v1/webhooks/{id}',
  operationId: 'updateWebhook',
  tags: TAGS,
  summary: 'Change a webhook endpoint',
  description: 'Its URL, events or description; `status` disables it or re-enables it.',
  auth: 'admin',
  errors: ['not-found'],
  request: {
    params: IdParamSchema,
    body: { required: true, content: jsonContent(WebhookPatchSchema, { status: 'active' }) },
  },
  responses: { 200: { description: 'The endpoint, changed.', content: jsonContent(WebhookSchema) } },
});

export const deleteWebhookRoute = defineRoute({
  method: 'delete',
  path: '/api/v1/webhooks/{id}',
  operationId: 'deleteWebhook',
  tags: TAGS,
  summary: 'Delete a webhook endpoint',
  description: 'With its delivery log; nothing more is sent to it.',
  auth: 'admin',
  errors: ['not-found'],
  request: { params: IdParamSchema },
  responses: { 204: { description: 'Deleted.' } },
});

export const rotateSecretRoute = defineRoute({
  method: 'post',
  path: '/api/v1/webhooks/{id}/rotate-secret',
  operationId: 'rotateWebhookSecret',
  tags: TAGS,
  summary: 'Rotate the signing secret',
  description:
    'Answers with a new secret, once. For 24 h the previous secret keeps signing too: `webhook-signature` ' +
    'carries both signatures, space-separated, so receivers can switch without missing an event.',
  auth: 'admin',
  errors: ['not-found'],
  request: { params: IdParamSchema },
  responses: { 200: { description: 'Rotated. Store `secret` now.', content: jsonContent(WebhookWithSecretSchema) } },
});

export const testWebhookRoute = defineRoute({
  method: 'post',
  path: '/api/v1/webhooks/{id}/test',
  operationId: 'testWebhook',
  tags: TAGS,
  summary: 'Send a ping',
  description:
    'Sends a `ping` event now and answers with its delivery: what the receiver answered, or why it failed ' +
    '(then it is retried like any other). 409 if the endpoint is disabled.',
  auth: 'admin',
  errors: ['not-found', 'webhook-disabled'],
  request: { params: IdParamSchema },
  responses: { 200: { description: 'The ping’s delivery.', content: jsonContent(DeliverySchema) } },
});

export const listDeliveriesRoute = defineRoute({
  method: 'get',
  path: '/api/v1/webhooks/{id}/deliveries',
  operationId: 'listWebhookDeliveries',
  tags: TAGS,
  summary: 'List an endpoint’s deliveries',
  description:
    'Newest first, cursor-paginated: event, attempts, the last status code, duration and answer excerpt, and ' +
    'the next attempt.',
  auth: 'admin',
  errors: ['not-found'],
  request: { params: IdParamSchema, query: ListDeliveriesQuerySchema },
  responses: {
    200: { description: 'A page of deliveries.', headers: LinkHeader, content: jsonContent(DeliveryPageSchema) },
  },
});

export const retryDeliveryRoute = defineRoute({
  method: 'post',
  path: '/api/v1/webhooks/{id}/deliveries/{deliveryId}/retry',
  operationId: 'retryWebhookDelivery',
  tags: TAGS,
  summary: 'Send a delivery again',
  description:
    'Attempts it now, whatever its state (a delivered one is sent again, with the same `webhook-id`), and ' +
    'answers with the result. 409 if the endpoint is disabled.',
  auth: 'admin',
  errors: ['not-found', 'webhook-disabled'],
  request: { params: DeliveryParamSchema },
  responses: { 200: { description: 'The delivery after the attempt.', content: jsonContent(DeliverySchema) } },
});

export const cronRoute = defineRoute({
  method: 'get',
  path: '/api/cron/webhooks',
  operationId: 'runWebhookCron',
  tags: TAGS,
  summary: 'Send due webhook retries (cron)',
  description:
    'For a scheduler: sends the deliveries that are due, for up to about 15 s, and answers with the counts. ' +
    'Requires `Authorization: Bearer <CRON_SECRET>`, as Vercel Cron sends it (401 otherwise, and when ' +
    '`CRON_SECRET` is not set). Run it every minute.',
  errors: ['unauthorized', 'unavailable'],
  responses: { 200: { description: 'What this run did.', content: jsonContent(CronResultSchema) } },
});
