import { LinkHeader } from '../../http/pagination';
import { IdParamSchema, jsonContent } from '../../http/schemas';
import { defineRoute } from '../define-route';
import {
  ListReportsQuerySchema,
  ReportInputSchema,
  ReportPageSchema,
  ReportPatchSchema,
  ReportReceiptSchema,
  ReportSchema,
} from './reports.schemas';

const TAGS = ['Abuse reports'];

export const createReportRoute = defineRoute({
  method: 'post',
  path: '/api/v1/reports',
  operationId: 'createReport',
  tags: TAGS,
  summary: 'Report an abusive short link',
  description:
    'Public, no key. Tells the admins a short link leads somewhere harmful; they may take it down. An unknown ' +
    'link answers 422. Send JSON, or the same fields as an HTML form (`application/x-www-form-urlencoded`, as ' +
    'the page at `/report` does): a form gets its answer as an HTML page, with the same status. Limited per ' +
    'client address (`"reports"`, `"reports-daily"`).',
  limit: ['reports', 'reports-daily'],
  errors: ['unavailable'],
  request: {
    body: {
      // Either content type is enough; `required: false` lets each be validated only when sent.
      required: false,
      description: 'Required: a JSON object, or the same fields form-encoded.',
      content: {
        ...jsonContent(ReportInputSchema, { link: 'https://hop.example/launch-2026', reason: 'phishing' }),
        'application/x-www-form-urlencoded': { schema: ReportInputSchema },
      },
    },
  },
  responses: {
    202: { description: 'Received: the admins will look at it.', content: jsonContent(ReportReceiptSchema) },
  },
});

export const listReportsRoute = defineRoute({
  method: 'get',
  path: '/api/v1/reports',
  operationId: 'listReports',
  tags: TAGS,
  summary: 'List abuse reports',
  description: 'Newest first, cursor-paginated (`Link: rel="next"`); `status=open` for the queue.',
  auth: 'admin',
  request: { query: ListReportsQuerySchema },
  responses: {
    200: { description: 'A page of reports.', headers: LinkHeader, content: jsonContent(ReportPageSchema) },
  },
});

export const getReportRoute = defineRoute({
  method: 'get',
  path: '/api/v1/reports/{id}',
  operationId: 'getReport',
  tags: TAGS,
  summary: 'Get an abuse report',
  description: 'One report, with its link.',
  auth: 'admin',
  errors: ['not-found'],
  request: { params: IdParamSchema },
  responses: { 200: { description: 'The report.', content: jsonContent(ReportSchema) } },
});

export const updateReportRoute = defineRoute({
  method: 'patch',
  path: '/api/v1/reports/{id}',
  operationId: 'updateReport',
  tags: TAGS,
  summary: 'Resolve an abuse report',
  description:
    'Sets its status (`open`, `dismissed`, `actioned`) and a note. Actioning a report disables its link in the ' +
    'same write: 451 if the reason is `illegal`, else 410, at once on this instance and within ' +
    '`LINK_CACHE_TTL_MS` elsewhere. Editors re-enable a link with `PATCH /api/v1/links/{id}`.',
  auth: 'admin',
  errors: ['not-found'],
  request: {
    params: IdParamSchema,
    body: { required: true, content: jsonContent(ReportPatchSchema, { status: 'dismissed', note: 'Not abusive.' }) },
  },
  responses: { 200: { description: 'The report, changed.', content: jsonContent(ReportSchema) } },
});
