import type { Interval, Range, RangePlan } from './time-range';

// Analytics SQL. Whole 15-minute buckets are summed from click_counts
// (migration 0007); the raw clicks answer only the edges of a range that is
// not on a bucket boundary. Both tables have the same dimension columns, so
// one filter text serves both halves of the union.

/** The dimensions a breakdown groups by and a filter names, as columns. */
export const DIMENSION_COLUMNS = {
  country: 'country',
  region: 'region',
  city: 'city',
  referrer: 'referrer_host',
  browser: 'browser',
  os: 'os',
  device: 'device',
} as const;
export type Dimension = keyof typeof DIMENSION_COLUMNS;
export const FILTER_DIMENSIONS = ['country', 'referrer', 'browser', 'os', 'device'] as const;
export type FilterDimension = (typeof FILTER_DIMENSIONS)[number];

export type Bots = 'exclude' | 'include' | 'only';

export interface Scope {
  linkIds?: string[];
  /** Links with any of these tags. */
  tags?: string[];
  /** Values to keep and values (given with a leading `-`) to drop, per dimension. */
  filters: Partial<Record<FilterDimension, { include: string[]; exclude: string[] }>>;
  bots: Bots;
}

/** The WHERE conditions of a scope, appending their values to `params`. */
export function scopeConditions(scope: Scope, params: unknown[]): string[] {
  const where: string[] = [];
  if (scope.linkIds) where.push(`link_id = any($${params.push(scope.linkIds)}::uuid[])`);
  if (scope.tags) where.push(`link_id in (select id from links where tags && $${params.push(scope.tags)}::text[])`);
  for (const [dimension, { include, exclude }] of Object.entries(scope.filters)) {
    const column = DIMENSION_COLUMNS[dimension as FilterDimension];
    if (include.length) where.push(`${column} = any($${params.push(include)}::text[])`);
    // Excluding a value keeps the unknowns (null).
    if (exclude.length) where.push(`(${column} is null or ${column} <> all($${params.push(exclude)}::text[]))`);
  }
  if (scope.bots === 'exclude') where.push('not is_bot');
  if (scope.bots === 'only') where.push('is_bot');
  return where;
}

/** What a question groups by: a dimension, links, or nothing (count, timeseries). */
export type GroupKey = Dimension | 'link' | null;

const DAY_MS = 86_400_000;

/** Whether a scope reads all links unfiltered (bots apart): the all-links table can answer it. */
const unfiltered = (scope: Scope) =>
  !scope.linkIds && !scope.tags && Object.values(scope.filters).every((f) => !f.include.length && !f.exclude.length);
const noDimensionFilter = (scope: Scope) =>
  Object.values(scope.filters).every((f) => !f.include.length && !f.exclude.length);

/**
 * The matching clicks as rows of (value, t, clicks), from the smallest table
 * that answers exactly: whole 15-minute buckets from click_dims (all links,
 * no filter) or click_counts (anything else), whole UTC days of a link
 * breakdown or an unfiltered count from click_link_days, and the edges of a range that is not on a
 * bucket boundary from the raw clicks. `t` is a bucket start or a click time.
 */
export function clickSource(
  scope: Scope,
  plan: RangePlan,
  key: GroupKey,
  params: unknown[],
  { times = true }: { times?: boolean } = {},
): string {
  const where = scopeConditions(scope, params);
  const and = where.map((condition) => ` and ${condition}`).join('');
  const range = (column: string, r: Range) =>
    `${column} >= $${params.push(r.from.toISOString())}::timestamptz and ${column} < $${params.push(r.to.toISOString())}::timestamptz`;
  const column = key === 'link' ? 'link_id' : key ? DIMENSION_COLUMNS[key] : 'null::text';
  const parts: string[] = [];
  let buckets = plan.whole ? [plan.whole] : [];
  const dims = key !== 'link' && unfiltered(scope);
  // Whole days serve link breakdowns and counts without filters (not timeseries: days are UTC).
  if (plan.whole && !dims && (key === 'link' || (key === null && !times)) && noDimensionFilter(scope)) {
    const first = Math.ceil(plan.whole.from.getTime() / DAY_MS) * DAY_MS;
    const last = Math.floor(plan.whole.to.getTime() / DAY_MS) * DAY_MS;
    if (first < last) {
      const days = { from: new Date(first), to: new Date(last) };
      parts.push(`select ${column} as value, day as t, clicks from click_link_days where ${range('day', days)}${and}`);
      buckets = [
        { from: plan.whole.from, to: days.from },
        { from: days.to, to: plan.whole.to },
      ].filter((r) => r.from < r.to);
    }
  }
  for (const r of buckets) {
    if (dims) {
      const dimension = params.push(key ?? 'all');
      parts.push(`select value, bucket as t, clicks from click_dims
        where dimension = $${dimension} and ${range('bucket', r)}${and}`);
    } else
      parts.push(`select ${column} as value, bucket as t, clicks from click_counts where ${range('bucket', r)}${and}`);
  }
  for (const edge of plan.edges) {
    parts.push(`select ${column} as value, at as t, 1::bigint as clicks from clicks where ${range('at', edge)}${and}`);
  }
  return parts.join('\n union all ');
}

export const countSql = (source: string) => `select coalesce(sum(clicks), 0)::text as clicks from (${source}) s`;

/**
 * Top `limit` values of a dimension with their clicks, and the total of all
 * values (so `other` is exact). Ties go by value, in byte order on every
 * backend.
 */
export function breakdownSql(source: string, limit: number, params: unknown[], link: boolean): string {
  const top = `select value, clicks, sum(clicks) over () as total from (
      select value, sum(clicks) as clicks from (${source}) s group by value
    ) g order by clicks desc, value::text collate "C" nulls last limit $${params.push(limit)}`;
  // Ordered by the qualified (numeric) columns: the output ones are text.
  const order = 'order by top.clicks desc, top.value::text collate "C" nulls last';
  if (!link) return `select top.value, top.clicks::text as clicks, top.total::text as total from (${top}) top ${order}`;
  return `select top.value::text as value, top.clicks::text as clicks, top.total::text as total, l.slug, l.url
    from (${top}) top left join links l on l.id = top.value ${order}`;
}

/**
 * Every bucket of the range in the zone, with its clicks (zeros included).
 * A click's bucket is the UTC instant its local bucket starts: for hours,
 * the click's time less its minutes into the local hour (exact across DST,
 * when a local hour repeats); for days, weeks and months, the local start
 * converted back to UTC. `source` must select `t`.
 */
export function timeseriesSql(source: string, interval: Interval, from: Date, to: Date, params: unknown[], tz: string) {
  const z = params.push(tz);
  const f = params.push(from.toISOString());
  const e = params.push(to.toISOString());
  const local = (t: string) => `(${t} at time zone $${z}::text)`;
  const bucketOf = (t: string) =>
    interval === 'hour'
      ? `(${t} - (${local(t)} - date_trunc('hour', ${local(t)})))`
      : `(date_trunc('${interval}', ${local(t)}) at time zone $${z}::text)`;
  const series =
    interval === 'hour'
      ? `select generate_series(${bucketOf(`$${f}::timestamptz`)}, $${e}::timestamptz - interval '1 microsecond', interval '1 hour') as start`
      : `select distinct (l at time zone $${z}::text) as start
         from generate_series(date_trunc('${interval}', ${local(`$${f}::timestamptz`)}), ${local(`$${e}::timestamptz`)}, interval '1 ${interval}') l
         where (l at time zone $${z}::text) < $${e}::timestamptz`;
  return `with counted as (
      select ${bucketOf('t')} as start, sum(clicks) as clicks from (${source}) s group by 1
    ), series as (${series})
    select to_char(series.start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as utc,
      to_char(series.start at time zone $${z}::text, 'YYYY-MM-DD"T"HH24:MI:SS') as local,
      coalesce(counted.clicks, 0)::text as clicks
    from series left join counted on counted.start = series.start
    order by series.start`;
}

/** The links a link breakdown or a scope names, for a 404 on the per-link routes. */
export const LINK_EXISTS = 'select exists (select 1 from links where id = $1) as found';
