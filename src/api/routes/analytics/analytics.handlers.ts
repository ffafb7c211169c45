import type { RouteConfig, RouteHandler } from '@hono/zod-openapi';
import { NeonDbError } from '@neondatabase/serverless';
import type { Context } from 'hono';
import { db, type Statement } from '../../db';
import { problem } from '../../http/problem';
import { invalid } from '../../http/validation';
import type { AppEnv } from '../../lib/env';
import { breakdownSql, clickSource, countSql, LINK_EXISTS, timeseriesSql, type Dimension } from './analytics.queries';
import type { analyticsRoute, linkAnalyticsRoute } from './analytics.routes';
import { questionOf, type AnalyticsInput, type Question } from './question';
import { planRange, withOffset } from './time-range';

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;
type Row = Record<string, string | null>;

/** One statement that answers the question, and how to read its rows. */
export function statementOf(q: Question): { statement: Statement; answer: (rows: Row[]) => object } {
  const params: unknown[] = [];
  const plan = planRange(q.range);
  if (q.groupBy === 'count') {
    const text = countSql(clickSource(q.scope, plan, null, params, { times: false }));
    return { statement: { text, params }, answer: (rows) => ({ clicks: Number(rows[0]?.clicks ?? 0) }) };
  }
  if (q.groupBy === 'timeseries') {
    const source = clickSource(q.scope, plan, null, params);
    const text = timeseriesSql(source, q.interval, q.range.from, q.range.to, params, q.timezone);
    return {
      statement: { text, params },
      answer: (rows) => ({
        interval: q.interval,
        timezone: q.timezone,
        series: rows.map((row) => ({ start: withOffset(row.utc!, row.local!), clicks: Number(row.clicks) })),
      }),
    };
  }
  const link = q.groupBy === 'link';
  const source = clickSource(q.scope, plan, link ? 'link' : (q.groupBy as Dimension), params);
  const text = breakdownSql(source, q.limit, params, link);
  return {
    statement: { text, params },
    answer: (rows) => {
      const items = rows.map((row) => ({
        value: row.value,
        clicks: Number(row.clicks),
        ...(link && { slug: row.slug!, url: row.url! }),
      }));
      const total = Number(rows[0]?.total ?? 0);
      return { groupBy: q.groupBy, items, other: total - items.reduce((sum, item) => sum + item.clicks, 0) };
    },
  };
}

// Postgres knows a few zone names differently from the runtime's Intl: its refusal is still a bad `timezone`.
const badZone = (error: unknown) =>
  error instanceof NeonDbError && error.code === '22023' && /time zone/i.test(error.message);

async function answer(c: Context<AppEnv>, input: AnalyticsInput, linkId?: string): Promise<Response> {
  const question = questionOf(linkId ? { ...input, linkId: [linkId] } : input);
  if ('errors' in question) return invalid(c, question.errors, 'query string');
  const { statement, answer } = statementOf(question.ok);
  try {
    if (!linkId) return c.json(answer((await db(c).query<Row>(statement.text, statement.params)) ?? []), 200);
    // One round trip: whether the link exists, and the answer.
    const [found, rows] = await db(c).batch([{ text: LINK_EXISTS, params: [linkId] }, statement], { readOnly: true });
    if (!found?.[0]?.found) return problem(c, 'not-found', { detail: `No link has the id ${linkId}.` });
    return c.json(answer(rows as Row[]), 200);
  } catch (error) {
    if (badZone(error)) return invalid(c, { timezone: ['Unknown to the database; use an IANA name'] }, 'query string');
    throw error;
  }
}

export const analytics: Handler<typeof analyticsRoute> = (c) =>
  answer(c, c.req.valid('query')) as ReturnType<Handler<typeof analyticsRoute>>;

export const linkAnalytics: Handler<typeof linkAnalyticsRoute> = (c) =>
  answer(c, c.req.valid('query'), c.req.valid('param').id) as ReturnType<Handler<typeof linkAnalyticsRoute>>;
