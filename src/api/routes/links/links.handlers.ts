import type { RouteConfig, RouteHandler } from '@hono/zod-openapi';
import { NeonDbError } from '@neondatabase/serverless';
import type { Context } from 'hono';
import { db } from '../../db';
import { noneMatch, parseIfMatch, versionTag } from '../../http/etag';
import { cursorColumn, keysetPage, paginate } from '../../http/pagination';
import { problem } from '../../http/problem';
import { invalid, noErrors } from '../../http/validation';
import type { AppEnv } from '../../lib/env';
import { publicBaseUrl } from '../../lib/platform';
import { randomToken } from '../../lib/tokens';
import { fence } from '../../middleware/idempotency';
import { deliverAfterResponse } from '../webhooks';
import { destinationErrors } from './destinations';
import type {
  createLinkRoute,
  createLinksRoute,
  deleteLinkRoute,
  getLinkRoute,
  listLinksRoute,
  updateLinkRoute,
} from './links.routes';
import type { Link, LinkInput } from './links.schemas';
import {
  CHECK_FIELDS,
  DELETE_LINK,
  insertLinks,
  insertRecord,
  SELECT_LINK,
  setClause,
  toLinkRecord,
  updateLink as updateLinkSql,
  type LinkRecord,
} from './links.queries';

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

const SLUG_LENGTH = 7;

function toLink(record: LinkRecord, base: string): Link {
  const { version: _, ...link } = record;
  const shortUrl = `${base}/${record.slug}`;
  return { ...link, shortUrl, qrUrl: `${base}/api/v1/qr?url=${encodeURIComponent(shortUrl)}` } as Link;
}

const links = (c: Context<AppEnv>, rows: Record<string, unknown>[]) =>
  rows.map((row) => toLink(toLinkRecord(row), publicBaseUrl(c)));

/** Problems the database reports about a link write: a taken slug, a broken pair of fields. */
function writeProblem(c: Context<AppEnv>, error: unknown, slugField: string, slug?: string): Response | null {
  if (!(error instanceof NeonDbError)) return null;
  if (error.constraint === 'links_slug_key') {
    return problem(c, 'slug-taken', {
      detail: 'The slug is already in use.',
      errors: { [slugField]: [`"${slug}" is already in use`] },
    });
  }
  const check = error.code === '23514' && error.constraint ? CHECK_FIELDS[error.constraint] : undefined;
  return check ? invalid(c, { [check[0]]: [check[1]] }) : null;
}

type Created = { rows: Record<string, unknown>[] } | { taken: number[] } | { lost: true };

/** Inserts all links in one statement; generated slugs that collide are drawn again. */
async function insert(c: Context<AppEnv>, inputs: LinkInput[]): Promise<Created> {
  for (let attempt = 0; ; attempt++) {
    const slugs = inputs.map((input) => input.slug ?? randomToken(SLUG_LENGTH));
    const records = inputs.map((input, ord) => insertRecord(ord, { ...input, slug: slugs[ord] }));
    const params: unknown[] = [JSON.stringify(records), c.var.principal.userId];
    const sql = insertLinks(fence(c, params), `$${params.push(publicBaseUrl(c))}`);
    try {
      const rows = await db(c).query(sql, params);
      // Nothing inserted: our Idempotency-Key claim was taken over by a retry.
      if (rows.length === 0) return { lost: true };
      c.var.linkCache.evict(...rows.map((row) => row.slug as string)); // forget "no such slug" answers at once
      deliverAfterResponse(c, rows[0]!.webhookDeliveries);
      return { rows };
    } catch (error) {
      if (!(error instanceof NeonDbError && error.constraint === 'links_slug_key')) throw error;
      const existing = await db(c).query<{ slug: string }>('select slug from links where slug = any($1)', [slugs]);
      const takenSlugs = new Set(existing.map((row) => row.slug));
      const taken = inputs.flatMap((input, i) => (input.slug && takenSlugs.has(input.slug) ? [i] : []));
      // Only generated slugs collided (or the taken link is already gone): draw again.
      if (taken.length === 0 && attempt < 3) continue;
      return { taken };
    }
  }
}

const lostClaim = (c: Context<AppEnv>) =>
  problem(c, 'idempotency-in-progress', {
    detail: 'Another request with this Idempotency-Key took over; retry to get its result.',
    headers: { 'Retry-After': '1' },
  });

const slugTaken = (c: Context<AppEnv>, errors: Record<string, string[]>) =>
  problem(c, 'slug-taken', { detail: 'A slug is already in use.', errors });

const location = (link: Link) => ({ Location: `/api/v1/links/${link.id}` });

export const createLink: Handler<typeof createLinkRoute> = async (c) => {
  const input = c.req.valid('json');
  const errors = destinationErrors(c, [input], () => '');
  if (!noErrors(errors)) return invalid(c, errors);
  const result = await insert(c, [input]);
  if ('lost' in result) return lostClaim(c);
  if ('taken' in result) return slugTaken(c, { slug: [`"${input.slug}" is already in use`] });
  const [link] = links(c, result.rows);
  return c.json(link!, 201, location(link!));
};

export const createLinks: Handler<typeof createLinksRoute> = async (c) => {
  const { links: inputs } = c.req.valid('json');
  const errors = destinationErrors(c, inputs, (i) => `links.${i}.`);
  if (!noErrors(errors)) return invalid(c, errors);
  const result = await insert(c, inputs);
  if ('lost' in result) return lostClaim(c);
  if ('taken' in result) {
    return slugTaken(
      c,
      Object.fromEntries(result.taken.map((i) => [`links.${i}.slug`, [`"${inputs[i]!.slug}" is already in use`]])),
    );
  }
  return c.json({ links: links(c, result.rows) }, 201);
};

/** Idempotent replays: the recorded rows, shown as the first response showed them. */
export const replayCreateLink = (c: Context<AppEnv>, status: number, result: unknown) => {
  const [link] = links(c, result as Record<string, unknown>[]);
  return c.json(link!, status as 201, location(link!));
};
export const replayCreateLinks = (c: Context<AppEnv>, status: number, result: unknown) =>
  c.json({ links: links(c, result as Record<string, unknown>[]) }, status as 201);

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

export const listLinks: Handler<typeof listLinksRoute> = async (c) => {
  const { limit, cursor, slug, tag, q, createdAfter, createdBefore } = c.req.valid('query');
  const params: unknown[] = [];
  const where: string[] = [];
  if (slug) where.push(`slug = $${params.push(slug)}`);
  if (tag) where.push(`tags && $${params.push(tag)}::text[]`);
  if (q) {
    const n = params.push(`%${escapeLike(q)}%`);
    where.push(`(slug ilike $${n} or url ilike $${n} or title ilike $${n})`);
  }
  if (createdAfter) where.push(`created_at > $${params.push(createdAfter)}`);
  if (createdBefore) where.push(`created_at < $${params.push(createdBefore)}`);
  const rows = await db(c).query<Record<string, unknown> & { cursorAt: string; id: string }>(
    `select ${SELECT_LINK}, ${cursorColumn()} from links ${keysetPage({ cursor, limit }, where, params)}`,
    params,
  );
  const base = publicBaseUrl(c);
  return c.json(
    paginate(c, rows, limit, (row) => toLink(toLinkRecord(row), base)),
    200,
  );
};

export const getLink: Handler<typeof getLinkRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const [row] = await db(c).query(`select ${SELECT_LINK} from links where id = $1`, [id]);
  if (!row) return problem(c, 'not-found', { detail: `No link has the id ${id}.` });
  const record = toLinkRecord(row);
  const etag = versionTag(record);
  if (noneMatch(c.req.header('If-None-Match'), etag)) return c.body(null, 304, { ETag: etag });
  return c.json(toLink(record, publicBaseUrl(c)), 200, { ETag: etag });
};

/** The 404 or 412 for a write that matched no row. */
async function missOrStale(c: Context<AppEnv>, id: string) {
  const [row] = await db(c).query('select 1 from links where id = $1', [id]);
  return row
    ? problem(c, 'precondition-failed', { detail: 'The link changed since your If-Match ETag; fetch it again.' })
    : problem(c, 'not-found', { detail: `No link has the id ${id}.` });
}

export const updateLink: Handler<typeof updateLinkRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const patch = c.req.valid('json');
  // Re-enabling a link forgets why it was taken down.
  if (patch.disabled === false) patch.disabledReason = null;
  const ifMatch = parseIfMatch(c.req.valid('header')['if-match'], id);
  const errors = destinationErrors(c, [patch], () => '');
  if (!noErrors(errors)) return invalid(c, errors);
  const params: unknown[] = [id];
  const sets = setClause(patch, params);
  const v = params.push(ifMatch ?? null); // absent or `*`: any version
  let rows: Record<string, unknown>[];
  try {
    rows = await db(c).query(updateLinkSql(sets, v, `$${params.push(publicBaseUrl(c))}`), params);
  } catch (error) {
    const answer = writeProblem(c, error, 'slug', patch.slug);
    if (answer) return answer;
    throw error;
  }
  const [row] = rows;
  if (!row) return missOrStale(c, id);
  c.var.linkCache.evict(row.oldSlug as string, row.slug as string);
  deliverAfterResponse(c, row.webhookDeliveries);
  const record = toLinkRecord(row);
  return c.json(toLink(record, publicBaseUrl(c)), 200, { ETag: versionTag(record) });
};

export const deleteLink: Handler<typeof deleteLinkRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const ifMatch = parseIfMatch(c.req.valid('header')['if-match'], id);
  const [row] = await db(c).query<{ slug: string; webhookDeliveries: unknown }>(DELETE_LINK, [
    id,
    ifMatch ?? null,
    publicBaseUrl(c),
  ]);
  if (!row) return missOrStale(c, id);
  c.var.linkCache.evict(row.slug);
  deliverAfterResponse(c, row.webhookDeliveries);
  return c.body(null, 204);
};
