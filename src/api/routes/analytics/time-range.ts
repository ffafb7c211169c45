// The time range of an analytics question: defaults, limits, and which part
// the 15-minute aggregates answer and which the raw clicks.

export const BUCKET_MS = 15 * 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
export const DEFAULT_RANGE_MS = 30 * DAY_MS;
/** "Over one year": a leap year's 366 days are still one year. */
export const MAX_RANGE_MS = 366 * DAY_MS;
export const MAX_BUCKETS = 1_000;

export const INTERVALS = ['hour', 'day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

export interface Range {
  from: Date;
  to: Date;
}

/** Half-open ranges: the aggregates answer `whole`, raw clicks each of `edges`. */
export interface RangePlan {
  whole: Range | null;
  edges: Range[];
}

const floorBucket = (ms: number) => Math.floor(ms / BUCKET_MS) * BUCKET_MS;
const ceilBucket = (ms: number) => Math.ceil(ms / BUCKET_MS) * BUCKET_MS;

/**
 * The range asked for. Without `to`, the end of the current 15-minute bucket:
 * no click is later than now, so the answer stays exact and needs no raw
 * rows (the aggregates are written with the clicks: the last hour is exact).
 */
export function resolveRange(from: string | undefined, to: string | undefined, now = Date.now()): Range {
  const end = to ? new Date(to) : new Date(ceilBucket(now + 1));
  const start = from ? new Date(from) : new Date(end.getTime() - DEFAULT_RANGE_MS);
  return { from: start, to: end };
}

/** What is wrong with a range, by parameter name. */
export function rangeErrors({ from, to }: Range): Record<string, string[]> {
  if (from.getTime() >= to.getTime()) return { from: ['Must be before to'] };
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) return { to: ['Must be at most one year (366 days) after from'] };
  return {};
}

/** Splits a range into whole 15-minute buckets and the raw edges around them. */
export function planRange({ from, to }: Range): RangePlan {
  const first = ceilBucket(from.getTime());
  const last = floorBucket(to.getTime());
  if (first >= last) return { whole: null, edges: [{ from, to }] };
  const edges: Range[] = [];
  if (from.getTime() < first) edges.push({ from, to: new Date(first) });
  if (last < to.getTime()) edges.push({ from: new Date(last), to });
  return { whole: { from: new Date(first), to: new Date(last) }, edges };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The Intl formatter of an IANA zone, or null for a name the runtime does not
 * know. Only names (Area/City, UTC): Intl would take "+05:30", which Postgres
 * reads as a POSIX zone with the opposite sign.
 */
export function zoneFormatter(timezone: string): Intl.DateTimeFormat | null {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(timezone)) return null;
  let formatter = formatters.get(timezone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      return null;
    }
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC at `instant`, in minutes. */
export function offsetMinutes(formatter: Intl.DateTimeFormat, instant: Date): number {
  const parts = Object.fromEntries(formatter.formatToParts(instant).map((p) => [p.type, Number(p.value)]));
  const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return Math.round((local - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * How many buckets a timeseries has: exact for hours (local hours start on
 * the zone's own offset), an upper bound for longer intervals, which cannot
 * reach the limit within a year anyway.
 */
export function bucketCount(range: Range, interval: Interval, formatter: Intl.DateTimeFormat): number {
  const span = range.to.getTime() - range.from.getTime();
  if (interval !== 'hour') return Math.ceil(span / DAY_MS) + 1;
  const offset = offsetMinutes(formatter, range.from) * 60_000;
  const into = (((range.from.getTime() + offset) % HOUR_MS) + HOUR_MS) % HOUR_MS;
  return Math.ceil((span + into) / HOUR_MS);
}

/** RFC 3339 with the zone's offset, from Postgres' UTC and local texts of one instant. */
export function withOffset(utc: string, local: string): string {
  const minutes = Math.round((Date.parse(`${local}Z`) - Date.parse(`${utc}Z`)) / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
