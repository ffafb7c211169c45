import { z } from '@hono/zod-openapi';
import { NextCursorSchema } from '../../http/pagination';
import { FutureDateTimeSchema, noNul, withDefault } from '../../http/schemas';

// What a link accepts and returns. Rules that need configuration (private
// and own addresses) are checked in the handlers.

export const RESERVED_SLUGS = new Set([
  'api',
  'report',
  'live',
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
]);

export const SLUG_PATTERN = /^[A-Za-z0-9_-]{3,64}$/;

export const SlugSchema = z
  .string()
  .regex(SLUG_PATTERN, 'Must be 3–64 characters of A–Z, a–z, 0–9, _ and -')
  .refine((slug) => !RESERVED_SLUGS.has(slug.toLowerCase()), 'Is reserved')
  .openapi({ description: 'Case-sensitive, 3–64 characters of A–Z, a–z, 0–9, _ and -, e.g. `launch-2026`.' });

const URL_MAX = 2048;
const CONTROL = /[\u0000-\u001F\u007F]/;

/**
 * An http(s) destination, at most 2048 characters, without credentials or
 * control characters. Stored as the WHATWG URL parser writes it (lower-case
 * scheme and host, no default port, spaces percent-encoded): the same
 * address, never another one. Control characters would be silently dropped
 * or rewritten by that parser (a tab inside a host joins its halves), so
 * they are refused instead.
 */
export const DestinationSchema = z
  .string()
  .max(URL_MAX, `Must be at most ${URL_MAX} characters`)
  .refine((value) => !CONTROL.test(value), 'Must not contain control characters (U+0000–U+001F, U+007F)')
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value.trim());
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
    if (url.href.length > URL_MAX) {
      ctx.addIssue({ code: 'custom', message: `Must be at most ${URL_MAX} characters once normalised` });
      return z.NEVER;
    }
    return url.href;
  })
  // Only `format`: a `type` override would replace the generated schema and
  // lose maxLength and nullability (zod-to-openapi describes a transform's input).
  .openapi({ format: 'uri' });

const TagSchema = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .refine(...noNul);

const TagsSchema = z.array(TagSchema).max(10, 'At most 10 tags');

// A numeric enum is written `type: integer, enum: [...]`; a union of literals
// would be an anyOf of `type: number` singletons in the document.
const RedirectStatusSchema = z.enum({
  MovedPermanently: 301,
  Found: 302,
  TemporaryRedirect: 307,
  PermanentRedirect: 308,
});

const MaxClicksSchema = z.number().int().min(1).max(2_147_483_647);

const TitleSchema = z
  .string()
  .trim()
  .max(200)
  .refine(...noNul);

type Pairs = { expiredUrl?: unknown; expiresAt?: unknown; exhaustedUrl?: unknown; maxClicks?: unknown };

/** A fallback URL means nothing without what triggers it (PATCH relies on the table's CHECKs). */
function checkPairs(value: Pairs, ctx: z.RefinementCtx) {
  if (value.expiredUrl != null && value.expiresAt == null) {
    ctx.addIssue({ code: 'custom', path: ['expiredUrl'], message: 'Needs expiresAt' });
  }
  if (value.exhaustedUrl != null && value.maxClicks == null) {
    ctx.addIssue({ code: 'custom', path: ['exhaustedUrl'], message: 'Needs maxClicks' });
  }
}

const doc = {
  url: 'Where the short link leads: an absolute http(s) URL, e.g. `https://example.com/launch?utm_source=hop`.',
  slug: 'Case-sensitive. Generated (7 characters) when omitted.',
  title: 'A label for people, at most 200 characters.',
  tags: 'Up to 10 labels of 1–50 characters, for filtering.',
  expiresAt: 'After this instant the link answers 410, or redirects to `expiredUrl`. E.g. `2027-01-01T00:00:00Z`.',
  expiredUrl: 'Where an expired link leads instead of answering 410. Needs `expiresAt`.',
  maxClicks: 'After this many human clicks the link answers 410, or redirects to `exhaustedUrl`.',
  exhaustedUrl: 'Where a link that reached `maxClicks` leads instead of answering 410. Needs `maxClicks`.',
  redirectStatus: 'The redirect status code.',
  forwardQuery: 'Merge the short link’s query string into the destination.',
  disabled:
    'Taken down: the short link answers 451 (reason `illegal`) or 410 and counts no clicks. Redirects on this ' +
    'instance see it at once, elsewhere within `LINK_CACHE_TTL_MS`.',
  disabledReason: 'Why it was taken down: `phishing`, `malware`, `spam`, `illegal` (answers 451) or `other`.',
};

/** What an abuse report says is wrong, and why a link was taken down. */
export const AbuseReasonSchema = z.enum(['phishing', 'malware', 'spam', 'illegal', 'other']);

export const LinkInputSchema = z
  .object({
    url: DestinationSchema.openapi({ description: doc.url }),
    slug: SlugSchema.optional().openapi({ description: doc.slug }),
    title: TitleSchema.optional().openapi({ description: doc.title }),
    tags: withDefault(TagsSchema, [], doc.tags),
    expiresAt: FutureDateTimeSchema.optional().openapi({ description: doc.expiresAt }),
    expiredUrl: DestinationSchema.optional().openapi({ description: doc.expiredUrl }),
    maxClicks: MaxClicksSchema.optional().openapi({ description: doc.maxClicks }),
    exhaustedUrl: DestinationSchema.optional().openapi({ description: doc.exhaustedUrl }),
    redirectStatus: withDefault(RedirectStatusSchema, 302, doc.redirectStatus),
    forwardQuery: withDefault(z.boolean(), true, doc.forwardQuery),
  })
  .strict()
  .superRefine(checkPairs)
  .openapi('LinkInput');

export type LinkInput = z.infer<typeof LinkInputSchema>;

export const LinkPatchSchema = z
  .object({
    url: DestinationSchema.optional().openapi({ description: doc.url }),
    slug: SlugSchema.optional().openapi({ description: 'Case-sensitive; the old slug stops working at once.' }),
    title: TitleSchema.nullable()
      .optional()
      .openapi({ description: `${doc.title} \`null\` clears it.` }),
    tags: TagsSchema.optional().openapi({ description: doc.tags }),
    expiresAt: FutureDateTimeSchema.nullable()
      .optional()
      .openapi({ description: `${doc.expiresAt} \`null\` clears it (clear \`expiredUrl\` with it).` }),
    expiredUrl: DestinationSchema.nullable()
      .optional()
      .openapi({ description: `${doc.expiredUrl} \`null\` clears it.` }),
    maxClicks: MaxClicksSchema.nullable()
      .optional()
      .openapi({ description: `${doc.maxClicks} \`null\` clears it (clear \`exhaustedUrl\` with it).` }),
    exhaustedUrl: DestinationSchema.nullable()
      .optional()
      .openapi({ description: `${doc.exhaustedUrl} \`null\` clears it.` }),
    redirectStatus: RedirectStatusSchema.optional().openapi({ description: doc.redirectStatus }),
    forwardQuery: z.boolean().optional().openapi({ description: doc.forwardQuery }),
    disabled: z
      .boolean()
      .optional()
      .openapi({ description: `${doc.disabled} \`false\` re-enables it (and clears \`disabledReason\`).` }),
    disabledReason: AbuseReasonSchema.nullable()
      .optional()
      .openapi({ description: `${doc.disabledReason} Needs \`disabled: true\`.` }),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'Provide at least one field to change')
  .refine((patch) => !(patch.disabled === false && patch.disabledReason), {
    path: ['disabledReason'],
    message: 'An enabled link has no disabledReason',
  })
  .openapi('LinkPatch');

export type LinkPatch = z.infer<typeof LinkPatchSchema>;

export const BulkInputSchema = z
  .object({ links: z.array(LinkInputSchema).min(1).max(100, 'At most 100 links per request') })
  .openapi('BulkLinkInput');

const DateTime = z.string().openapi({ format: 'date-time' });
const Url = z.string().openapi({ format: 'uri' });

export const LinkSchema = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    url: Url,
    shortUrl: Url.openapi({ description: 'The short link: the public base URL and the slug.' }),
    qrUrl: Url.openapi({ description: 'A QR code image (SVG) of `shortUrl`.' }),
    title: z.string().nullable(),
    tags: z.array(z.string()),
    expiresAt: DateTime.nullable(),
    expiredUrl: Url.nullable(),
    maxClicks: z.number().int().nullable(),
    exhaustedUrl: Url.nullable(),
    redirectStatus: RedirectStatusSchema,
    forwardQuery: z.boolean(),
    disabled: z.boolean().openapi({ description: doc.disabled }),
    disabledReason: AbuseReasonSchema.nullable().openapi({ description: doc.disabledReason }),
    clicks: z.number().int().openapi({ description: 'Human clicks so far (bots and HEAD requests excluded).' }),
    createdAt: DateTime,
    updatedAt: DateTime,
  })
  .openapi('Link', {
    example: {
      id: '0b9e3c55-2f77-4f3e-9d53-0b9f1c8a7d21',
      slug: 'launch-2026',
      url: 'https://example.com/launch?utm_source=hop',
      shortUrl: 'https://hop.example/launch-2026',
      qrUrl: 'https://hop.example/api/v1/qr?url=https%3A%2F%2Fhop.example%2Flaunch-2026',
      title: 'Launch announcement',
      tags: ['launch', 'q4'],
      expiresAt: null,
      expiredUrl: null,
      maxClicks: 1000,
      exhaustedUrl: null,
      redirectStatus: 302,
      forwardQuery: true,
      disabled: false,
      disabledReason: null,
      clicks: 42,
      createdAt: '2026-11-21T10:00:00.000Z',
      updatedAt: '2026-11-21T10:00:00.000Z',
    },
  });

export type Link = z.infer<typeof LinkSchema>;

export const LinkPageSchema = z
  .object({ items: z.array(LinkSchema), nextCursor: NextCursorSchema })
  .openapi('LinkPage');

export { IdParamSchema as LinkIdParamsSchema } from '../../http/schemas';
