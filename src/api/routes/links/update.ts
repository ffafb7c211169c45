import { OpenAPIHono, z } from '@hono/zod-openapi';
import { NeonDbError } from '@neondatabase/serverless';
import type { Context } from 'hono';
import { db } from '../../db';
import type { AppEnv } from '../../env';
import { defineRoute } from '../../http/define-route';
import { problem } from '../../http/problem';
import { invalid } from '../../http/validation';
import { linkCache } from './cache';
import { crossChecks } from './create';
import { LinkIdParamsSchema, LinkPatchSchema, LinkSchema, type LinkPatch } from './schemas';
import { COLUMNS, etagOf, parseIfMatch, toLink, type LinkRow } from './sql';

const IfMatchHeaders = z.object({
  'if-match': z
    .string()
    .optional()
    .openapi({ description: 'Apply only if the link’s ETag still matches; 412 otherwise.', example: '"0b9e3c55.3"' }),
});

export const updateLinkRoute = defineRoute({
  method: 'patch',
  path: '/api/v1/links/{id}',
  operationId: 'updateLink',
  tags: ['Links'],
  summary: 'Change a link',
  description:
    'Sends only the fields to change; `null` clears an optional field. Redirects see the change within the cache TTL everywhere.',
  auth: 'editor',
  errors: [404, 409, 412],
  request: {
    params: LinkIdParamsSchema,
    headers: IfMatchHeaders,
    body: { required: true, content: { 'application/json': { schema: LinkPatchSchema } } },
  },
  responses: {
    200: {
      description: 'The changed link.',
      headers: z.object({ ETag: z.string() }),
      content: { 'application/json': { schema: LinkSchema } },
    },
  },
});

export const deleteLinkRoute = defineRoute({
  method: 'delete',
  path: '/api/v1/links/{id}',
  operationId: 'deleteLink',
  tags: ['Links'],
  summary: 'Delete a link',
  description: 'Deletes the link and its clicks; its slug becomes free.',
  auth: 'editor',
  errors: [404, 412],
  request: { params: LinkIdParamsSchema, headers: IfMatchHeaders },
  responses: { 204: { description: 'Deleted.' } },
});

const COLUMN_OF: Record<keyof LinkPatch, string> = {
  url: 'url',
  slug: 'slug',
  title: 'title',
  tags: 'tags',
  expiresAt: 'expires_at',
  expiredUrl: 'expired_url',
  maxClicks: 'max_clicks',
  exhaustedUrl: 'exhausted_url',
  redirectStatus: 'redirect_status',
  forwardQuery: 'forward_query',
};

/** The 404 or 412 for a write that matched no row. */
async function missOrStale(c: Context<AppEnv>, id: string) {
  const [row] = await db(c).query('select 1 from links where id = $1', [id]);
  return row
    ? problem(c, { status: 412, detail: 'The link changed since your If-Match ETag; fetch it again.' })
    : problem(c, { status: 404, detail: `No link with id ${id}.` });
}

export const updateLinks = new OpenAPIHono<AppEnv>()
  .openapi(updateLinkRoute, async (c) => {
    const { id } = c.req.valid('param');
    const patch = c.req.valid('json');
    const ifMatch = parseIfMatch(c.req.valid('header')['if-match'], id);
    const errors = crossChecks(c, [patch], () => '');
    if (Object.keys(errors).length) return invalid(c, errors);
    const params: unknown[] = [id];
    const sets = Object.entries(patch).map(([field, value]) => {
      params.push(value);
      return `${COLUMN_OF[field as keyof LinkPatch]} = $${params.length}`;
    });
    params.push(ifMatch ?? null); // absent or `*`: any version
    const v = params.length;
    let rows: (LinkRow & { old_slug: string })[];
    try {
      rows = await db(c).query(
        `with old as (select id, slug from links where id = $1)
         update links set ${sets.join(', ')}, version = version + 1, updated_at = now()
         from old where links.id = old.id and ($${v}::int[] is null or links.version = any($${v}::int[]))
         returning ${COLUMNS.replace(/(\w+)/g, 'links.$1')}, old.slug as old_slug`,
        params,
      );
    } catch (error) {
      if (error instanceof NeonDbError && error.constraint === 'links_slug_key') {
        return problem(c, {
          status: 409,
          type: 'urn:hop:problem:slug-taken',
          title: 'Slug taken',
          detail: 'The slug is already in use.',
          errors: { slug: [`"${patch.slug}" is already in use`] },
        });
      }
      throw error;
    }
    const [row] = rows;
    if (!row) return missOrStale(c, id);
    linkCache.evict(row.old_slug, row.slug);
    return c.json(toLink(row, c.var.config), 200, { ETag: etagOf(row) });
  })
  .openapi(deleteLinkRoute, async (c) => {
    const { id } = c.req.valid('param');
    const ifMatch = parseIfMatch(c.req.valid('header')['if-match'], id);
    const [row] = await db(c).query<{ slug: string }>(
      `delete from links where id = $1 and ($2::int[] is null or version = any($2::int[])) returning slug`,
      [id, ifMatch ?? null],
    );
    if (!row) return missOrStale(c, id);
    linkCache.evict(row.slug);
    return c.body(null, 204);
  });
