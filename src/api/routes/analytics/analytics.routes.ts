import { z } from '@hono/zod-openapi';
import { LinkHeader, PageQuerySchema } from '../../http/pagination';
import { IdParamSchema, jsonContent } from '../../http/schemas';
import { defineRoute } from '../define-route';
import {
  AnalyticsQuerySchema,
  AnalyticsSchema,
  ClickSchema,
  ExportQuerySchema,
  LinkAnalyticsQuerySchema,
  RangeQuerySchema,
} from './analytics.schemas';

const TAGS = ['Analytics'];

const EXACT =
  'Exact, never sampled: a breakdown’s items plus `other` equal `count` for the same filters, and a ' +
  'timeseries’ buckets sum to it. ';

const ANSWERS =
  'Answers `{ "clicks": 42 }` for `count`; `{ "interval", "timezone", "series": [{ "start", "clicks" }] }` for ' +
  '`timeseries`, every bucket of the range present (zeros too), each local to `timezone`; and ' +
  '`{ "groupBy", "items": [{ "value", "clicks" }], "other" }` for a breakdown, by clicks then value, unknown ' +
  'values as `null` (`link` items also carry `slug` and `url`). ';

const EXAMPLES =
  'E.g. `?groupBy=timeseries&interval=day&timezone=Europe/Berlin&from=2026-10-01T00:00:00%2B02:00&to=2026-11-01T00:00:00%2B01:00`, ' +
  '`?groupBy=country&browser=Chrome&country=-US`. A bad combination (`interval` without `timeseries`, an unknown ' +
  'zone, `from` not before `to`, over a year, over 1,000 buckets) is a 422 naming the parameter.';

export const analyticsRoute = defineRoute({
  method: 'get',
  path: '/api/v1/analytics',
  operationId: 'getAnalytics',
  tags: TAGS,
  summary: 'Click analytics',
  description: `Counts, timeseries and breakdowns of clicks over all links or some. ${EXACT}${ANSWERS}${EXAMPLES}`,
  auth: 'viewer',
  request: { query: AnalyticsQuerySchema },
  responses: { 200: { description: 'The answer, shaped by `groupBy`.', content: jsonContent(AnalyticsSchema) } },
});

export const linkAnalyticsRoute = defineRoute({
  method: 'get',
  path: '/api/v1/links/{id}/analytics',
  operationId: 'getLinkAnalytics',
  tags: TAGS,
  summary: 'Click analytics of one link',
  description: `The same questions as \`GET /api/v1/analytics\`, for one link. ${EXACT}${ANSWERS}`,
  auth: 'viewer',
  errors: ['not-found'],
  request: { params: IdParamSchema, query: LinkAnalyticsQuerySchema },
  responses: { 200: { description: 'The answer, shaped by `groupBy`.', content: jsonContent(AnalyticsSchema) } },
});

export const ClickPageSchema = z
  .object({ items: z.array(ClickSchema), nextCursor: PageQuerySchema.shape.cursor.unwrap().nullable() })
  .openapi('ClickPage');

export const listClicksRoute = defineRoute({
  method: 'get',
  path: '/api/v1/links/{id}/clicks',
  operationId: 'listLinkClicks',
  tags: TAGS,
  summary: 'The click events of one link',
  description:
    'Newest first, cursor-paginated: follow `Link: <…>; rel="next"` (or pass `nextCursor` as `cursor`) until it is ' +
    'absent. No IP address is ever stored.',
  auth: 'viewer',
  errors: ['not-found'],
  request: { params: IdParamSchema, query: PageQuerySchema.extend(RangeQuerySchema.shape) },
  responses: {
    200: { description: 'A page of clicks.', headers: LinkHeader, content: jsonContent(ClickPageSchema) },
  },
});

export const exportClicksRoute = defineRoute({
  method: 'get',
  path: '/api/v1/clicks/export',
  operationId: 'exportClicks',
  tags: TAGS,
  summary: 'Export click events',
  description:
    'Every matching click, oldest first, streamed as CSV (RFC 4180, UTF-8, a header row; cells a spreadsheet would ' +
    "run as a formula start with `'`) or NDJSON, in constant memory however many. Same scope, filters and range " +
    'as `GET /api/v1/analytics`, e.g. `?format=ndjson&linkId=…&from=2026-11-01T00:00:00Z`.',
  auth: 'viewer',
  request: { query: ExportQuerySchema },
  responses: {
    200: {
      description: 'The clicks, as an attachment (`Content-Disposition`).',
      headers: z.object({
        'Content-Disposition': z.string().openapi({
          description: 'e.g. `attachment; filename="hop-clicks-20261101T000000Z-20261201T000000Z.csv"`.',
        }),
      }),
      content: {
        'text/csv': { schema: z.string() },
        'application/x-ndjson': { schema: z.string() },
      },
    },
  },
});
