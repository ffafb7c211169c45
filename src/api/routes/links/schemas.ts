import { z } from '@hono/zod-openapi';
import { noNul } from '../../http/schemas';

// What a link accepts and returns. Rules that need configuration (the
// service's own domain) are checked in the handler.

export const RESERVED_SLUGS = new Set(
  [
    'api',
    'docs',
    '_next',
    'favicon.ico',
    'robots.txt',
    'sitemap.xml',
    'swagger-ui',
    'health',
    'static',
    'assets',
    'admin',
    'login',
    'logout',
    'www',
  ].map((s) => s.toLowerCase()),
);

export const SlugSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{3,64}$/, 'Must be 3–64 characters of A–Z, a–z, 0–9, _ and -')
  .refine((slug) => !RESERVED_SLUGS.has(slug.toLowerCase()), 'Is reserved')
  .openapi({ example: 'launch-2026', description: 'Case-sensitive. Generated (7 characters) when omitted.' });

/** An http(s) destination: no credentials, at most 2048 characters, normalised. */
export const DestinationSchema = z
  .string()
  .trim()
  .max(2048, 'Must be at most 2048 characters')
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Must be an absolute http(s) URL' });
      return z.NEVER;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({
        code: 'custom',
        message: `The ${url.protocol.slice(0, -1)}: scheme is not allowed; use http or https`,
      });
      return z.NEVER;
    }
    if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'Must not contain credentials' });
      return z.NEVER;
    }
    if (url.href.length > 2048) {
      ctx.addIssue({ code: 'custom', message: 'Must be at most 2048 characters once normalised' });
      return z.NEVER;
    }
    return url.href;
  })
  .openapi({ type: 'string', format: 'uri', example: 'https://example.com/launch?utm_source=hop' });

const TagsSchema = z
  .array(
    z
      .string()
      .trim()
      .min(1)
      .max(50)
      .refine(...noNul),
  )
  .max(10, 'At most 10 tags')
  .openapi({ example: ['launch', 'q4'] });

const RedirectStatusSchema = z
  .union([z.literal(301), z.literal(302), z.literal(307), z.literal(308)])
  .openapi({ type: 'integer', enum: [301, 302, 307, 308], example: 302 });

const FutureDateSchema = z.iso
  .datetime({ offset: true, error: 'Must be an ISO 8601 date-time' })
  .refine((value) => Date.parse(value) > Date.now(), 'Must be in the future')
  .openapi({ example: '2027-01-01T00:00:00Z' });

const fields = {
  url: DestinationSchema,
  slug: SlugSchema,
  title: z
    .string()
    .trim()
    .max(200)
    .refine(...noNul)
    .openapi({ example: 'Launch announcement' }),
  tags: TagsSchema,
  expiresAt: FutureDateSchema,
  expiredUrl: DestinationSchema,
  maxClicks: z.number().int().min(1).max(2_147_483_647).openapi({ example: 1000 }),
  exhaustedUrl: DestinationSchema,
  redirectStatus: RedirectStatusSchema,
  forwardQuery: z.boolean().openapi({ description: 'Merge the short link’s query into the destination.' }),
};

type Pairs = { expiredUrl?: unknown; expiresAt?: unknown; exhaustedUrl?: unknown; maxClicks?: unknown };

/** A fallback URL means nothing without what triggers it. */
function checkPairs(value: Pairs, ctx: z.RefinementCtx) {
  if (value.expiredUrl != null && value.expiresAt == null) {
    ctx.addIssue({ code: 'custom', path: ['expiredUrl'], message: 'Needs expiresAt' });
  }
  if (value.exhaustedUrl != null && value.maxClicks == null) {
    ctx.addIssue({ code: 'custom', path: ['exhaustedUrl'], message: 'Needs maxClicks' });
  }
}

export const LinkInputSchema = z
  .object({
    url: fields.url,
    slug: fields.slug.optional(),
    title: fields.title.optional(),
    tags: fields.tags.default([]),
    expiresAt: fields.expiresAt.optional(),
    expiredUrl: fields.expiredUrl.optional(),
    maxClicks: fields.maxClicks.optional(),
    exhaustedUrl: fields.exhaustedUrl.optional(),
    redirectStatus: fields.redirectStatus.default(302),
    forwardQuery: fields.forwardQuery.default(true),
  })
  .strict()
  .superRefine(checkPairs)
  .openapi('LinkInput');

export type LinkInput = z.infer<typeof LinkInputSchema>;

export const LinkPatchSchema = z
  .object({
    url: fields.url.optional(),
    slug: fields.slug.optional(),
    title: fields.title.nullable().optional(),
    tags: fields.tags.optional(),
    expiresAt: fields.expiresAt.nullable().optional(),
    expiredUrl: fields.expiredUrl.nullable().optional(),
    maxClicks: fields.maxClicks.nullable().optional(),
    exhaustedUrl: fields.exhaustedUrl.nullable().optional(),
    redirectStatus: fields.redirectStatus.optional(),
    forwardQuery: fields.forwardQuery.optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'Provide at least one field to change')
  .openapi('LinkPatch');

export type LinkPatch = z.infer<typeof LinkPatchSchema>;

export const BulkInputSchema = z
  .object({ links: z.array(LinkInputSchema).min(1).max(100, 'At most 100 links per request') })
  .openapi('BulkLinkInput');

export const LinkSchema = z
  .object({
    id: z.uuid(),
    slug: z.string().openapi({ example: 'launch-2026' }),
    url: z.string().openapi({ example: 'https://example.com/launch?utm_source=hop' }),
    shortUrl: z.string().openapi({ example: 'https://hop.example/launch-2026' }),
    qrUrl: z.string().openapi({ example: 'https://hop.example/api/v1/qr?url=https%3A%2F%2Fhop.example%2Flaunch-2026' }),
    title: z.string().nullable(),
    tags: z.array(z.string()),
    expiresAt: z.string().nullable(),
    expiredUrl: z.string().nullable(),
    maxClicks: z.number().int().nullable(),
    exhaustedUrl: z.string().nullable(),
    redirectStatus: z.number().int().openapi({ example: 302 }),
    forwardQuery: z.boolean(),
    clicks: z
      .number()
      .int()
      .openapi({ description: 'Human clicks so far (bots and HEAD requests excluded).', example: 42 }),
    createdAt: z.string().openapi({ example: '2026-11-21T10:00:00.000Z' }),
    updatedAt: z.string().openapi({ example: '2026-11-21T10:00:00.000Z' }),
  })
  .openapi('Link');

export type Link = z.infer<typeof LinkSchema>;

export const LinkIdParamsSchema = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, example: '0b9e3c55-2f77-4f3e-9d53-0b9f1c8a7d21' }),
});
