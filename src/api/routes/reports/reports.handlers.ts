import type { RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { db, type Row } from '../../db';
import { cursorColumn, keysetPage, paginate } from '../../http/pagination';
import { problem } from '../../http/problem';
import { invalid } from '../../http/validation';
import type { AppEnv } from '../../lib/env';
import { publicBaseUrl } from '../../lib/platform';
import { SLUG_PATTERN } from '../links/links.schemas';
import { deliverAfterResponse } from '../webhooks';
import { isFormPost } from './form-results';
import type { createReportRoute, getReportRoute, listReportsRoute, updateReportRoute } from './reports.routes';
import { INSERT_REPORT, SELECT_REPORT, toReportRecord, UPDATE_REPORT, type ReportRecord } from './reports.queries';
import type { Report, ReportInput } from './reports.schemas';

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

/** The slug a report names: the slug itself, or a short URL's path. */
export function reportedSlug(link: string): string | null {
  if (SLUG_PATTERN.test(link)) return link;
  try {
    const slug = new URL(link).pathname.replace(/^\/+|\/+$/g, '');
    return SLUG_PATTERN.test(slug) ? slug : null;
  } catch {
    return null;
  }
}

const toReport = (record: ReportRecord, base: string): Report => ({
  id: record.id,
  link: {
    id: record.linkId,
    slug: record.linkSlug,
    shortUrl: `${base}/${record.linkSlug}`,
    disabled: record.linkDisabled,
  },
  reason: record.reason as Report['reason'],
  details: record.details,
  email: record.email,
  status: record.status as Report['status'],
  note: record.note,
  createdAt: record.createdAt,
  updatedAt: record.updatedAt,
});

const notFound = (c: Context<AppEnv>, id: string) => problem(c, 'not-found', { detail: `No report has the id ${id}.` });

export const createReport: Handler<typeof createReportRoute> = async (c) => {
  const form = isFormPost(c);
  if (!form && !/^application\/json/i.test(c.req.header('Content-Type') ?? '')) {
    return problem(c, 'unsupported-media-type', {
      detail: 'Send the report as application/json, or as an HTML form (application/x-www-form-urlencoded).',
    });
  }
  const input: ReportInput = form ? c.req.valid('form') : c.req.valid('json');
  // The hidden field only a bot fills: accepted, as far as it can tell, and dropped.
  if (input.homepage) return c.json({ id: crypto.randomUUID(), status: 'open' as const }, 202);
  const slug = reportedSlug(input.link);
  if (!slug) return invalid(c, { link: ['Must be a short link of this service (its URL or its slug)'] });
  const [row] = await db(c).query<{ id: string; webhookDeliveries: unknown }>(INSERT_REPORT, [
    slug,
    input.reason,
    input.details || null,
    input.email || null,
  ]);
  if (!row) return invalid(c, { link: [`There is no short link /${slug}`] });
  deliverAfterResponse(c, row.webhookDeliveries);
  return c.json({ id: row.id, status: 'open' as const }, 202);
};

export const listReports: Handler<typeof listReportsRoute> = async (c) => {
  const { limit, cursor, status } = c.req.valid('query');
  const params: unknown[] = [];
  const where = status ? [`r.status = $${params.push(status)}`] : [];
  const rows = await db(c).query<Row & { cursorAt: string; id: string }>(
    `select ${SELECT_REPORT}, ${cursorColumn('r.')} from reports r join links l on l.id = r.link_id
     ${keysetPage({ cursor, limit }, where, params, 'r.')}`,
    params,
  );
  const base = publicBaseUrl(c);
  return c.json(
    paginate(c, rows, limit, (row) => toReport(toReportRecord(row), base)),
    200,
  );
};

export const getReport: Handler<typeof getReportRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const [row] = await db(c).query(
    `select ${SELECT_REPORT} from reports r join links l on l.id = r.link_id where r.id = $1`,
    [id],
  );
  return row ? c.json(toReport(toReportRecord(row), publicBaseUrl(c)), 200) : notFound(c, id);
};

export const updateReport: Handler<typeof updateReportRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const patch = c.req.valid('json');
  const [row] = await db(c).query(UPDATE_REPORT, [
    id,
    patch.status ?? null,
    'note' in patch,
    patch.note ?? null,
    publicBaseUrl(c),
  ]);
  if (!row) return notFound(c, id);
  deliverAfterResponse(c, row.webhookDeliveries);
  // Taken down just now: this instance stops redirecting at once.
  if (row.disabledSlug) c.var.linkCache.evict(row.disabledSlug as string);
  return c.json(toReport(toReportRecord(row), publicBaseUrl(c)), 200);
};
