import { z } from '@hono/zod-openapi';
import { LinkHeader, PageQuerySchema } from '../../http/pagination';
import { DateTimeSchema, LocationHeader, jsonContent, noNul, repeatable } from '../../http/schemas';
import { IdempotencyHeaderSchema, idempotent, ReplayedHeader } from '../../middleware/idempotency';
import { defineRoute } from '../define-route';
import { replayCreateLink, replayCreateLinks } from './links.handlers';
import {
  BulkInputSchema,
  LinkIdParamsSchema,
  LinkInputSchema,
  LinkPageSchema,
  LinkPatchSchema,
  LinkSchema,
} from './links.schemas';

const TAGS = ['Links'];

const ETagHeader = z.object({ ETag: z.string().openapi({ description: 'The link’s settings version.' }) });
const IfMatchHeader = z.object({
  'if-match': z.string().optional().openapi({
    description: 'Apply only if the link’s ETag still matches, e.g. `"0b9e3c55.3"`; 412 otherwise.',
  }),
});

export const createLinkRoute = defineRoute({
  method: 'post',
  path: '/api/v1/links',
  operationId: 'createLink',
  tags: TAGS,
  summary: 'Create a short link',
  description:
    'Creates a link with a custom or generated slug. Destinations on loopback, private or link-local ' +
    'addresses, and on this service’s own host, are refused. Send an `Idempotency-Key` to make retries safe.',
  auth: 'editor',
  errors: ['slug-taken', 'idempotency-in-progress', 'idempotency-key-reused'],
  middleware: [idempotent({ replay: replayCreateLink })],
  request: {
    headers: IdempotencyHeaderSchema,
    body: { required: true, content: jsonContent(LinkInputSchema, { url: 'https://example.com/launch' }) },
  },
  responses: {
    201: {
      description: 'Created, or replayed for a repeated Idempotency-Key.',
      headers: LocationHeader.extend(ReplayedHeader.shape),
      content: jsonContent(LinkSchema),
    },
  },
});

export const createLinksRoute = defineRoute({
  method: 'post',
  path: '/api/v1/links/bulk',
  operationId: 'createLinks',
  tags: TAGS,
  summary: 'Create up to 100 links at once',
  description:
    'All or nothing, in one database round trip. A 422 or 409 names each failing item by its index, ' +
    'e.g. `links.3.url`. Honours `Idempotency-Key` like a single create.',
  auth: 'editor',
  errors: ['slug-taken', 'idempotency-in-progress', 'idempotency-key-reused'],
  middleware: [idempotent({ replay: replayCreateLinks })],
  request: {
    headers: IdempotencyHeaderSchema,
    body: {
      required: true,
      content: jsonContent(BulkInputSchema, {
        links: [{ url: 'https://example.com/a' }, { url: 'https://example.com/b' }],
      }),
    },
  },
  responses: {
    201: {
      description: 'All links were created, in the order given (or replayed for a repeated Idempotency-Key).',
      headers: ReplayedHeader,
      content: jsonContent(z.object({ links: z.array(LinkSchema) }).openapi('BulkLinks')),
    },
  },
});

const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine(...noNul);

export const ListLinksQuerySchema = PageQuerySchema.extend({
  slug: text(64).optional().openapi({ description: 'Only the link with exactly this slug (case-sensitive).' }),
  tag: repeatable(text(50), 10)
    .optional()
    .openapi({ description: 'Only links with this tag; repeat for any of several, e.g. `tag=launch&tag=q4`.' }),
  q: text(200).optional().openapi({ description: 'Slug, URL or title contains this text (case-insensitive).' }),
  createdAfter: DateTimeSchema.optional().openapi({ description: 'Created after this instant (RFC 3339).' }),
  createdBefore: DateTimeSchema.optional().openapi({ description: 'Created before this instant (RFC 3339).' }),
});

export const listLinksRoute = defineRoute({
  method: 'get',
  path: '/api/v1/links',
  operationId: 'listLinks',
  tags: TAGS,
  summary: 'List links',
  description:
    'Newest first, cursor-paginated: follow `Link: <…>; rel="next"` (or pass `nextCursor` as `cursor`) until it is ' +
    'absent. Look a link up by its slug with `slug=`.',
  auth: 'viewer',
  request: { query: ListLinksQuerySchema },
  responses: {
    200: { description: 'A page of links.', headers: LinkHeader, content: jsonContent(LinkPageSchema) },
  },
});

export const getLinkRoute = defineRoute({
  method: 'get',
  path: '/api/v1/links/{id}',
  operationId: 'getLink',
  tags: TAGS,
  summary: 'Get a link',
  description: 'Carries an `ETag` of the link’s settings (not of its live `clicks`); `If-None-Match` answers 304.',
  auth: 'viewer',
  errors: ['not-found'],
  request: { params: LinkIdParamsSchema },
  responses: {
    200: { description: 'The link.', headers: ETagHeader, content: jsonContent(LinkSchema) },
    304: { description: 'Not modified.' },
  },
});

export const updateLinkRoute = defineRoute({
  method: 'patch',
  path: '/api/v1/links/{id}',
  operationId: 'updateLink',
  tags: TAGS,
  summary: 'Change a link',
  description:
    'Sends only the fields to change; `null` clears an optional field. The changed link must still be whole: ' +
    '`expiredUrl` needs `expiresAt`, `exhaustedUrl` needs `maxClicks`. Take a link down with `disabled: true` ' +
    '(and a `disabledReason`), bring it back with `disabled: false`. Redirects on this instance see the change at ' +
    'once, elsewhere within the link cache TTL (`LINK_CACHE_TTL_MS`, at most 60 s).',
  auth: 'editor',
  errors: ['not-found', 'slug-taken', 'precondition-failed'],
  request: {
    params: LinkIdParamsSchema,
    headers: IfMatchHeader,
    body: { required: true, content: jsonContent(LinkPatchSchema, { title: 'Launch' }) },
  },
  responses: {
    200: { description: 'The changed link.', headers: ETagHeader, content: jsonContent(LinkSchema) },
  },
});

export const deleteLinkRoute = defineRoute({
  method: 'delete',
  path: '/api/v1/links/{id}',
  operationId: 'deleteLink',
  tags: TAGS,
  summary: 'Delete a link',
  description: 'Deletes the link and its clicks; its slug becomes free.',
  auth: 'editor',
  errors: ['not-found', 'precondition-failed'],
  request: { params: LinkIdParamsSchema, headers: IfMatchHeader },
  responses: { 204: { description: 'Deleted.' } },
});
