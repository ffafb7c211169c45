import { OpenAPIHono, z } from '@hono/zod-openapi';
import { NeonDbError } from '@neondatabase/serverless';
import type { Context } from 'hono';
import { randomToken } from '../../auth';
import { db } from '../../db';
import type { AppEnv } from '../../env';
import { defineRoute } from '../../http/define-route';
import { idempotent } from '../../http/idempotency';
import { problem } from '../../http/problem';
import { invalid } from '../../http/validation';
import { linkCache } from './cache';
import { BulkInputSchema, LinkInputSchema, LinkSchema, type Link, type LinkInput } from './schemas';
import { INSERT_LINKS, toLink, type LinkRow } from './sql';

const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'Must be 1–255 visible ASCII characters')
    .optional()
    .openapi({
      description: 'Replays the first response for 24 h when the same request is retried.',
      example: 'order-7731-link',
    }),
});

export const createLinkRoute = defineRoute({
  method: 'post',
  path: '/api/v1/links',
  operationId: 'createLink',
  tags: ['Links'],
  summary: 'Create a short link',
  description:
    'Creates a link with a custom or generated slug. Send an `Idempotency-Key` to make retries safe: the same key ' +
    'and body replay the first response for 24 h; the same key with another body is refused.',
  auth: 'editor',
  errors: [409],
  middleware: [idempotent()],
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: LinkInputSchema } } },
  },
  responses: {
    201: {
      description: 'Created. `Location` is the link’s URL in this API.',
      headers: z.object({ Location: z.string() }),
      content: { 'application/json': { schema: LinkSchema } },
    },
  },
});

export const bulkCreateRoute = defineRoute({
  method: 'post',
  path: '/api/v1/links/bulk',
  operationId: 'createLinks',
  tags: ['Links'],
  summary: 'Create up to 100 links at once',
  description:
    'All or nothing, in one database round trip. A 422 or 409 names each failing item by its index, ' +
    'e.g. `links.3.url`. Honours `Idempotency-Key` like a single create.',
  auth: 'editor',
  errors: [409],
  middleware: [idempotent()],
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: BulkInputSchema } } },
  },
  responses: {
    201: {
      description: 'All links were created, in the order given.',
      content: { 'application/json': { schema: z.object({ links: z.array(LinkSchema) }).openapi('BulkLinks') } },
    },
  },
});

const SLUG_LENGTH = 7;

type Checked = Partial<Record<'url' | 'expiredUrl' | 'exhaustedUrl' | 'slug', string | null>>;

/** Field errors for rules that need configuration or the whole batch. */
export function crossChecks(c: Context<AppEnv>, inputs: Checked[], path: (i: number) => string) {
  const ownHost = new URL(c.var.config.PUBLIC_BASE_URL).host;
  const errors: Record<string, string[]> = {};
  const seen = new Map<string, number>();
  inputs.forEach((input, i) => {
    for (const field of ['url', 'expiredUrl', 'exhaustedUrl'] as const) {
      const value = input[field];
      if (value && new URL(value).host === ownHost) {
        errors[`${path(i)}${field}`] = ['Must not point at this service’s own short domain'];
      }
    }
    if (input.slug) {
      const first = seen.get(input.slug);
      if (first !== undefined) errors[`${path(i)}slug`] = [`Repeats the slug of item ${first}`];
      else seen.set(input.slug, i);
    }
  });
  return errors;
}

type Created = { links: Link[] } | { taken: number[] };

/** Inserts all links in one statement; generated slugs that collide are drawn again. */
async function insertLinks(c: Context<AppEnv>, inputs: LinkInput[]): Promise<Created> {
  for (let attempt = 0; ; attempt++) {
    const records = inputs.map((input, ord) => ({
      ord,
      slug: input.slug ?? randomToken(SLUG_LENGTH),
      url: input.url,
      title: input.title ?? null,
      tags: input.tags,
      expires_at: input.expiresAt ?? null,
      expired_url: input.expiredUrl ?? null,
      max_clicks: input.maxClicks ?? null,
      exhausted_url: input.exhaustedUrl ?? null,
      redirect_status: input.redirectStatus,
      forward_query: input.forwardQuery,
    }));
    try {
      const rows = await db(c).query<LinkRow>(INSERT_LINKS, [JSON.stringify(records), c.var.principal.userId]);
      const bySlug = new Map(rows.map((row) => [row.slug, row]));
      linkCache.evict(...bySlug.keys()); // forget "no such slug" answers at once
      return { links: records.map((r) => toLink(bySlug.get(r.slug)!, c.var.config)) };
    } catch (error) {
      if (!(error instanceof NeonDbError && error.constraint === 'links_slug_key')) throw error;
      const slugs = records.map((r) => r.slug);
      const existing = await db(c).query<{ slug: string }>('select slug from links where slug = any($1)', [slugs]);
      const takenSlugs = new Set(existing.map((row) => row.slug));
      const taken = inputs.flatMap((input, i) => (input.slug && takenSlugs.has(input.slug) ? [i] : []));
      // Only generated slugs collided (or the taken link is already gone): draw again.
      if (taken.length === 0 && attempt < 3) continue;
      return { taken };
    }
  }
}

const slugTaken = (c: Context<AppEnv>, errors: Record<string, string[]>) =>
  problem(c, {
    status: 409,
    type: 'urn:hop:problem:slug-taken',
    title: 'Slug taken',
    detail: 'A slug is already in use.',
    errors,
  });

export const createLinks = new OpenAPIHono<AppEnv>()
  .openapi(createLinkRoute, async (c) => {
    const input = c.req.valid('json');
    const errors = crossChecks(c, [input], () => '');
    if (Object.keys(errors).length) return invalid(c, errors);
    const result = await insertLinks(c, [input]);
    if ('taken' in result) return slugTaken(c, { slug: [`"${input.slug}" is already in use`] });
    const [link] = result.links;
    return c.json(link!, 201, { Location: `/api/v1/links/${link!.id}` });
  })
  .openapi(bulkCreateRoute, async (c) => {
    const { links } = c.req.valid('json');
    const errors = crossChecks(c, links, (i) => `links.${i}.`);
    if (Object.keys(errors).length) return invalid(c, errors);
    const result = await insertLinks(c, links);
    if ('taken' in result) {
      return slugTaken(
        c,
        Object.fromEntries(result.taken.map((i) => [`links.${i}.slug`, [`"${links[i]!.slug}" is already in use`]])),
      );
    }
    return c.json({ links: result.links }, 201);
  });
