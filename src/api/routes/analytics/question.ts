import { FILTER_DIMENSIONS, type Bots, type Scope } from './analytics.queries';
import type { GroupBy } from './analytics.schemas';
import {
  bucketCount,
  INTERVALS,
  MAX_BUCKETS,
  rangeErrors,
  resolveRange,
  zoneFormatter,
  type Interval,
  type Range,
} from './time-range';

// A validated query turned into what the SQL needs, or the 422's errors by
// parameter. Zod checks each parameter; this checks how they combine.

type Filters = Partial<Record<(typeof FILTER_DIMENSIONS)[number], string[]>>;

export interface RangeInput extends Filters {
  from?: string;
  to?: string;
  bots?: Bots;
  linkId?: string[];
  tag?: string[];
}

export interface AnalyticsInput extends RangeInput {
  groupBy?: GroupBy;
  interval?: Interval;
  timezone?: string;
  limit?: number;
}

export interface Question {
  scope: Scope;
  range: Range;
  groupBy: GroupBy;
  interval: Interval;
  timezone: string;
  limit: number;
}

type Result<T> = { ok: T } | { errors: Record<string, string[]> };

/** Splits each filter into kept and excluded (`-value`) values. */
function filters(input: Filters): Scope['filters'] {
  const out: Scope['filters'] = {};
  for (const dimension of FILTER_DIMENSIONS) {
    const values = input[dimension];
    if (!values) continue;
    out[dimension] = {
      include: values.filter((v) => !v.startsWith('-')),
      exclude: values.filter((v) => v.startsWith('-')).map((v) => v.slice(1)),
    };
  }
  return out;
}

export function scopeOf(input: RangeInput): Result<{ scope: Scope; range: Range }> {
  const range = resolveRange(input.from, input.to);
  const errors = rangeErrors(range);
  if (Object.keys(errors).length) return { errors };
  const scope: Scope = {
    linkIds: input.linkId,
    tags: input.tag,
    filters: filters(input),
    bots: input.bots ?? 'exclude',
  };
  return { ok: { scope, range } };
}

export function questionOf(input: AnalyticsInput): Result<Question> {
  const groupBy = input.groupBy ?? 'count';
  const timezone = input.timezone ?? 'UTC';
  const errors: Record<string, string[]> = {};
  if (input.interval && groupBy !== 'timeseries') errors.interval = ['Only with groupBy=timeseries'];
  const formatter = zoneFormatter(timezone);
  if (!formatter) errors.timezone = ['Must be an IANA time zone name, e.g. Europe/Berlin'];
  const scoped = scopeOf(input);
  if ('errors' in scoped) Object.assign(errors, scoped.errors);
  if (Object.keys(errors).length || !formatter || 'errors' in scoped) return { errors };
  const interval = input.interval ?? 'day';
  if (groupBy === 'timeseries') {
    const count = bucketCount(scoped.ok.range, interval, formatter);
    if (count > MAX_BUCKETS) {
      const larger = INTERVALS.slice(INTERVALS.indexOf(interval) + 1).join(', ');
      return { errors: { interval: [`${count} buckets; at most ${MAX_BUCKETS}: shorten the range or use ${larger}`] } };
    }
  }
  return {
    // As given: runtimes canonicalise differently (ICU says Asia/Katmandu), Postgres knows both.
    ok: { ...scoped.ok, groupBy, interval, timezone, limit: input.limit ?? 10 },
  };
}
