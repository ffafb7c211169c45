import { z } from '@hono/zod-openapi';
import { DateTimeSchema, noNul, repeatable } from '../../http/schemas';
import { INTERVALS } from './time-range';

// What the analytics operations accept and answer. Defaults are stated in
// descriptions and applied by the handlers (never pre-filled in the docs).

export const GROUP_BY = [
  'count',
  'timeseries',
  'link',
  'country',
  'region',
  'city',
  'referrer',
  'browser',
  'os',
  'device',
] as const;
export type GroupBy = (typeof GROUP_BY)[number];

const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine(...noNul);

const filter = (what: string, example: string) =>
  repeatable(text(200), 20)
    .optional()
    .openapi({
      description: `Only clicks with this ${what}; repeat for any of several. A value starting with \`-\` excludes it instead, e.g. \`${example}\`.`,
    });

/** Scope, filters, range and bots: shared by analytics, the click list and the export. */
export const RangeQuerySchema = z.object({
  from: DateTimeSchema.optional().openapi({
    description:
      'Start of the range, inclusive (RFC 3339), e.g. `2026-11-01T00:00:00+01:00`. Default: 30 days before `to`.',
  }),
  to: DateTimeSchema.optional().openapi({
    description: 'End of the range, exclusive (RFC 3339). Default: now. At most one year after `from`.',
  }),
  bots: z
    .enum(['exclude', 'include', 'only'])
    .optional()
    .openapi({ description: 'Clicks by bots: `exclude` (default), `include` or `only`.' }),
});

export const FilterQuerySchema = RangeQuerySchema.extend({
  country: filter('country (ISO 3166-1 alpha-2)', 'country=DE&country=AT` or `country=-US'),
  referrer: filter('referrer host', 'referrer=news.ycombinator.com'),
  browser: filter('browser', 'browser=Chrome'),
  os: filter('operating system', 'os=iOS'),
  device: filter('device type', 'device=mobile'),
});

const ScopeShape = {
  linkId: repeatable(z.string().uuid('Must be a link id (UUID)'), 100)
    .optional()
    .openapi({ description: 'Only these links; repeat for several. Default: all links.' }),
  tag: repeatable(text(50), 10)
    .optional()
    .openapi({ description: 'Only links with this tag; repeat for any of several, e.g. `tag=launch&tag=q4`.' }),
};

const AnalyticsShape = {
  groupBy: z
    .enum(GROUP_BY)
    .optional()
    .openapi({
      description:
        'What to answer: `count` (default), `timeseries`, or a breakdown by `link`, `country`, `region`, `city`, ' +
        '`referrer`, `browser`, `os` or `device`.',
    }),
  interval: z.enum(INTERVALS).optional().openapi({
    description: 'Bucket size of a `timeseries`: `hour`, `day` (default), `week` or `month`; at most 1,000 buckets.',
  }),
  timezone: z.string().max(64).optional().openapi({
    description:
      'IANA zone the buckets are local to, e.g. `Europe/Berlin` or `Asia/Kolkata` (DST included). Default: `UTC`.',
  }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .openapi({ description: 'Items of a breakdown, 1–100 (default 10); the rest is summed in `other`.' }),
};

export const LinkAnalyticsQuerySchema = FilterQuerySchema.extend(AnalyticsShape);
export const AnalyticsQuerySchema = LinkAnalyticsQuerySchema.extend(ScopeShape);
export const ExportQuerySchema = FilterQuerySchema.extend(ScopeShape).extend({
  format: z.enum(['csv', 'ndjson']).optional().openapi({
    description: '`csv` or `ndjson`. Default: from `Accept` (`text/csv`, `application/x-ndjson`), else `csv`.',
  }),
});

export const CountSchema = z.object({ clicks: z.number().int() }).openapi('AnalyticsCount');

export const TimeseriesSchema = z
  .object({
    interval: z.enum(INTERVALS),
    timezone: z.string(),
    series: z.array(
      z.object({
        start: z.string().openapi({
          description: 'Local start of the bucket, with the zone’s offset, e.g. `2026-03-29T00:00:00+01:00`.',
        }),
        clicks: z.number().int(),
      }),
    ),
  })
  .openapi('AnalyticsTimeseries');

export const BreakdownSchema = z
  .object({
    groupBy: z.enum(GROUP_BY),
    items: z.array(
      z.object({
        value: z
          .string()
          .nullable()
          .openapi({ description: 'The value, e.g. `DE`; null when unknown. For `link`, the link id.' }),
        clicks: z.number().int(),
        slug: z.string().optional().openapi({ description: '`link` breakdowns: the link’s slug.' }),
        url: z.string().optional().openapi({ description: '`link` breakdowns: the link’s destination.' }),
      }),
    ),
    other: z
      .number()
      .int()
      .openapi({ description: 'Clicks of every value not listed: items plus `other` is the count.' }),
  })
  .openapi('AnalyticsBreakdown');

export const AnalyticsSchema = z.union([CountSchema, TimeseriesSchema, BreakdownSchema]).openapi('Analytics');

export type Breakdown = z.infer<typeof BreakdownSchema>;

export const ClickSchema = z
  .object({
    id: z.string().openapi({ description: 'The click’s id (a decimal integer as a string).' }),
    linkId: z.uuid().openapi({ description: 'The link clicked.' }),
    at: z.string().openapi({ description: 'When (RFC 3339, UTC).' }),
    country: z.string().nullable(),
    region: z.string().nullable(),
    city: z.string().nullable(),
    referrer: z.string().nullable().openapi({ description: 'The referring host.' }),
    browser: z.string().nullable(),
    os: z.string().nullable(),
    device: z.string().nullable(),
    isBot: z.boolean(),
  })
  .openapi('Click');
