import { OpenAPIHono, z } from '@hono/zod-openapi';
import { db } from '../../db';
import type { AppEnv } from '../../env';
import { defineRoute } from '../../http/define-route';
import { afterCursor, PageQuerySchema, paginate } from '../../http/pagination';
import { problem } from '../../http/problem';
import { noNul } from '../../http/schemas';
import { LinkIdParamsSchema, LinkSchema } from './schemas';
import { COLUMNS, etagOf, toLink, type LinkRow } from './sql';

const ListQuerySchema = PageQuerySchema.extend({
  tag: z
    .string()
    .min(1)
    .max(50)
    .refine(...noNul)
    .optional()
    .openapi({ description: 'Only links with this tag.', example: 'launch' }),
  q: z
    .string()
    .min(1)
    .max(200)
    .refine(...noNul)
    .optional()
    .openapi({ description: 'Slug, URL or title contains (case-insensitive).', example: 'launch' }),
  createdAfter: z.iso.datetime({ offset: true }).optional().openapi({ example: '2026-01-01T00:00:00Z' }),
  createdBefore: z.iso.datetime({ offset: true }).optional().openapi({ example: '2027-01-01T00:00:00Z' }),
});

export const listLinksRoute = defineRoute({
  method: 'get',
  path: '/api/v1/links',
  operationId: 'listLinks',
  tags: ['Links'],
  summary: 'List links',
  description: 'Newest first, cursor-paginated: follow `Link: <…>; rel="next"` (or `nextCursor`) until it is absent.',
  auth: 'viewer',
  request: { query: ListQuerySchema },
  responses: {
    200: {
      description: 'A page of links.',
      headers: z.object({
        Link: z.string().optional().openapi({ example: '</api/v1/links?cursor=WyIy…>; rel="next"' }),
      }),
      content: {
        'application/json': {
          schema: z.object({ items: z.array(LinkSchema), nextCursor: z.string().nullable() }).openapi('LinkPage'),
        },
      },
    },
  },
});

export const getLinkRoute = defineRoute({
  method: 'get',
  path: '/api/v1/links/{id}',
  operationId: 'getLink',
  tags: ['Links'],
  summary: 'Get a link',
  description: 'Carries an `ETag` of the link’s settings (not of its live `clicks`); `If-None-Match` answers 304.',
  auth: 'viewer',
  errors: [404],
  request: { params: LinkIdParamsSchema },
  responses: {
    200: {
      description: 'The link.',
      headers: z.object({ ETag: z.string() }),
      content: { 'application/json': { schema: LinkSchema } },
    },
    304: { description: 'Not modified.' },
  },
});

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

export const readLinks = new OpenAPIHono<AppEnv>()
  .openapi(listLinksRoute, async (c) => {
    const { limit, cursor, tag, q, createdAfter, createdBefore } = c.req.valid('query');
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (tag) add((n) => `tags @> array[$${n}::text]`, tag);
    if (q) add((n) => `(slug ilike $${n} or url ilike $${n} or title ilike $${n})`, `%${escapeLike(q)}%`);
    if (createdAfter) add((n) => `created_at > $${n}`, createdAfter);
    if (createdBefore) add((n) => `created_at < $${n}`, createdBefore);
    const after = afterCursor(cursor, params);
    if (after) where.push(after);
    params.push(limit + 1);
    const rows = await db(c).query<LinkRow & { cursorAt: string }>(
      `select ${COLUMNS}, created_at::text as "cursorAt" from links
       ${where.length ? `where ${where.join(' and ')}` : ''}
       order by created_at desc, id desc limit $${params.length}`,
      params,
    );
    const { items, nextCursor } = paginate(c, rows, limit);
    return c.json({ items: items.map((row) => toLink(row as LinkRow, c.var.config)), nextCursor }, 200);
  })
  .openapi(getLinkRoute, async (c) => {
    const { id } = c.req.valid('param');
    const [row] = await db(c).query<LinkRow>(`select ${COLUMNS} from links where id = $1`, [id]);
    if (!row) return problem(c, { status: 404, detail: `No link with id ${id}.` });
    const etag = etagOf(row);
    const inm = c.req.header('If-None-Match');
    if (inm && (inm.trim() === '*' || inm.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag))) {
      return c.body(null, 304, { ETag: etag });
    }
    return c.json(toLink(row, c.var.config), 200, { ETag: etag });
  });
