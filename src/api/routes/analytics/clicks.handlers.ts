import type { RouteConfig, RouteHandler } from '@hono/zod-openapi';
import { db } from '../../db';
import { cursorColumn, keysetPage, paginate } from '../../http/pagination';
import { problem } from '../../http/problem';
import { invalid } from '../../http/validation';
import type { AppEnv } from '../../lib/env';
import { LINK_EXISTS, scopeConditions } from './analytics.queries';
import type { exportClicksRoute, listClicksRoute } from './analytics.routes';
import { exportFilename, exportFormat, exportPageQuery, exportStream } from './click-export';
import { SELECT_CLICK, type ClickRow } from './click-rows';
import { scopeOf } from './question';

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

const CLICK_KEYS = { at: 'at', idType: 'bigint' } as const;

export const listClicks: Handler<typeof listClicksRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const { limit, cursor, ...input } = c.req.valid('query');
  const scoped = scopeOf({ ...input, linkId: [id] });
  if ('errors' in scoped) return invalid(c, scoped.errors, 'query string');
  const { scope, range } = scoped.ok;
  const params: unknown[] = [range.from.toISOString(), range.to.toISOString()];
  const where = ['at >= $1::timestamptz', 'at < $2::timestamptz', ...scopeConditions(scope, params)];
  // Qualified: the selected `at` and `id` are text, the order is by time and number.
  const page = keysetPage({ cursor, limit }, where, params, 'clicks.', CLICK_KEYS);
  const [found, rows] = await db(c).batch(
    [
      { text: LINK_EXISTS, params: [id] },
      { text: `select ${SELECT_CLICK}, ${cursorColumn('', 'at')} from clicks ${page}`, params },
    ],
    { readOnly: true },
  );
  if (!found?.[0]?.found) return problem(c, 'not-found', { detail: `No link has the id ${id}.` });
  const clicks = rows as unknown as (ClickRow & { cursorAt: string })[];
  return c.json(
    paginate(c, clicks, limit, ({ cursorAt: _, ...click }) => click),
    200,
  );
};

export const exportClicks: Handler<typeof exportClicksRoute> = async (c) => {
  const { format: asked, ...input } = c.req.valid('query');
  const scoped = scopeOf(input);
  if ('errors' in scoped) return invalid(c, scoped.errors, 'query string');
  const { scope, range } = scoped.ok;
  const format = exportFormat(asked, c.req.header('Accept'));
  const page = exportPageQuery(scope, range);
  const first = page('0');
  const rows = await db(c).query<ClickRow>(first.text, first.params);
  const body = exportStream(db(c), page, rows, format, c.req.raw.signal);
  return c.body(body, 200, {
    'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8; header=present' : 'application/x-ndjson',
    'Content-Disposition': `attachment; filename="${exportFilename(range, format)}"`,
    'Cache-Control': 'no-store',
  }) as never;
};
