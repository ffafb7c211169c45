import type { Click } from '../../src/api/routes/redirect/redirect.queries';

// Random clicks and random analytics questions, and each answer computed in
// plain JavaScript from the clicks themselves: an oracle independent of the
// SQL under test.

export type Query = Record<string, string | number | string[] | undefined>;
export interface TestLink {
  id: string;
  slug: string;
  url: string;
  tags: string[];
}

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

export const VALUES = {
  country: ['DE', 'US', 'IN', 'NP', null],
  region: ['BE', 'CA', 'KA', null],
  city: ['Berlin', 'Zürich', 'São Paulo', 'Kathmandu', null],
  referrer_host: ['news.ycombinator.com', 't.co', '=evil.example', null],
  browser: ['Chrome', 'Firefox', 'Safari', null],
  os: ['iOS', 'Android', 'Windows', null],
  device: ['mobile', 'desktop', null],
} as const;

const DAY = 86_400_000;
export const SPAN_DAYS = 75;

/** `n` clicks over the last SPAN_DAYS days, some in the last ten minutes, one in ten by a bot. */
export function seedClicks(random: () => number, linkIds: string[], n: number, now: number): Click[] {
  return Array.from({ length: n }, () => {
    const recent = random() < 0.05;
    const at = recent ? now - random() * 600_000 : now - SPAN_DAYS * DAY + random() * (SPAN_DAYS * DAY - 600_000);
    return {
      link_id: pick(random, linkIds),
      at: new Date(Math.floor(at)).toISOString(),
      country: pick(random, VALUES.country),
      region: pick(random, VALUES.region),
      city: pick(random, VALUES.city),
      referrer_host: pick(random, VALUES.referrer_host),
      browser: pick(random, VALUES.browser),
      os: pick(random, VALUES.os),
      device: pick(random, VALUES.device),
      is_bot: random() < 0.1,
    };
  });
}

const FILTERS = {
  country: 'country',
  referrer: 'referrer_host',
  browser: 'browser',
  os: 'os',
  device: 'device',
} as const;
const GROUPS = ['count', 'timeseries', 'link', 'country', 'region', 'city', 'referrer', 'browser', 'os', 'device'];
const ZONES = ['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/New_York'];
const DURATIONS_H = [1, 2, 24, 24 * 7, 24 * 20, 24 * 40, 24 * 74];
const BUCKET = 15 * 60_000;

/** A random question: the global route or one link's, any groupBy, filters and range. */
export function randomQuestion(random: () => number, links: TestLink[], now: number) {
  const query: Query = {};
  let path = '/api/v1/analytics';
  let linkId: string[] | undefined;
  // One in four: all links, no filter (the all-links aggregates answer those).
  const plain = random() < 0.25;
  if (plain) {
    // nothing to scope or filter
  } else if (random() < 0.25) {
    const link = pick(random, links);
    path = `/api/v1/links/${link.id}/analytics`;
    linkId = [link.id];
  } else {
    if (random() < 0.3) query.linkId = [pick(random, links).id, pick(random, links).id];
    if (random() < 0.3) query.tag = pick(random, ['a', 'b']);
  }
  for (const [param, column] of Object.entries(FILTERS)) {
    if (plain || random() > 0.3) continue;
    const values = VALUES[column].filter((v) => v !== null) as string[];
    query[param] = random() < 0.6 ? [pick(random, values), pick(random, values)] : [`-${pick(random, values)}`];
  }
  const bots = pick(random, [undefined, 'include', 'only', 'exclude']);
  if (bots) query.bots = bots;
  const groupBy = pick(random, GROUPS);
  if (groupBy !== 'count' || random() < 0.5) query.groupBy = groupBy;
  const hours = pick(random, DURATIONS_H) * (0.5 + random() / 2);
  const aligned = random() < 0.5;
  let from = now - SPAN_DAYS * DAY + random() * (SPAN_DAYS * DAY);
  let to = from + hours * 3_600_000;
  if (aligned) [from, to] = [Math.floor(from / BUCKET) * BUCKET, Math.ceil(to / BUCKET) * BUCKET];
  if (random() < 0.15) {
    // No `from`: 30 days before `to`.
    query.to = new Date(Math.floor(to)).toISOString();
    from = to - 30 * DAY;
  } else {
    query.from = new Date(Math.floor(from)).toISOString();
    query.to = new Date(Math.floor(to)).toISOString();
  }
  if (groupBy === 'timeseries') {
    const interval = pick(random, ['hour', 'day', 'week', 'month']);
    query.interval = interval === 'hour' && to - from > 40 * DAY ? 'day' : interval;
    query.timezone = pick(random, ZONES);
  } else if (random() < 0.5) query.limit = 1 + Math.floor(random() * 8);
  query.__from = from;
  query.__to = to;
  const { __from, __to, ...sent } = query;
  return { path, query: sent, linkId, range: { from: __from as number, to: __to as number } };
}

const list = (value: Query[string]) =>
  value === undefined ? undefined : Array.isArray(value) ? value : [String(value)];

/** Whether a click answers to a question's scope, filters, bots and range. */
export function matches(click: Click, query: Query & { linkId?: string[] }, links: TestLink[]): boolean {
  const at = Date.parse(click.at);
  const to = query.to ? Date.parse(String(query.to)) : Infinity;
  const from = query.from ? Date.parse(String(query.from)) : to - 30 * DAY;
  if (at < from || at >= to) return false;
  const ids = list(query.linkId);
  if (ids && !ids.includes(click.link_id)) return false;
  const tags = list(query.tag);
  if (tags && !links.find((l) => l.id === click.link_id)!.tags.some((t) => tags.includes(t))) return false;
  for (const [param, column] of Object.entries(FILTERS)) {
    const values = list(query[param]);
    if (!values) continue;
    const value = click[column];
    const include = values.filter((v) => !v.startsWith('-'));
    const exclude = values.filter((v) => v.startsWith('-')).map((v) => v.slice(1));
    if (include.length && (value === null || !include.includes(value))) return false;
    if (exclude.length && value !== null && exclude.includes(value)) return false;
  }
  const bots = query.bots ?? 'exclude';
  return bots === 'include' || (bots === 'only') === click.is_bot;
}

export const expectedCount = (clicks: Click[]) => clicks.length;

const COLUMN_OF: Record<string, keyof Click> = { ...FILTERS, region: 'region', city: 'city', link: 'link_id' };

export function expectedBreakdown(groupBy: string, clicks: Click[], limit: number, links: TestLink[]) {
  const counts = new Map<string | null, number>();
  for (const click of clicks) {
    const value = click[COLUMN_OF[groupBy]!] as string | null;
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  const order = (a: [string | null, number], b: [string | null, number]) =>
    b[1] - a[1] || (a[0] === b[0] ? 0 : a[0] === null ? 1 : b[0] === null ? -1 : a[0] < b[0] ? -1 : 1);
  const top = [...counts].sort(order).slice(0, limit);
  const items = top.map(([value, n]) => {
    const link = groupBy === 'link' ? links.find((l) => l.id === value)! : undefined;
    return { value, clicks: n, ...(link && { slug: link.slug, url: link.url }) };
  });
  return { groupBy, items, other: clicks.length - items.reduce((s, i) => s + i.clicks, 0) };
}

/** Local wall-clock parts of an instant in a zone. */
function local(at: number, zone: string): { parts: Partial<Record<string, string>>; offset: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const wall = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!);
  return { parts, offset: Math.round((wall - Math.floor(at / 60_000) * 60_000) / 60_000) };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The bucket key of a local wall-clock time: hour (with offset: DST repeats an hour), day, ISO week or month. */
function keyOf(
  parts: { year?: string; month?: string; day?: string; hour?: string },
  offset: number,
  interval: string,
) {
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  if (interval === 'hour') return `${date}T${parts.hour}@${offset}`;
  if (interval === 'day') return date;
  if (interval === 'month') return `${parts.year}-${parts.month}`;
  const midnight = Date.parse(`${date}T00:00:00Z`);
  return iso(midnight - ((new Date(midnight).getUTCDay() + 6) % 7) * DAY).slice(0, 10);
}

/** A series' clicks by local bucket next to the clicks' own, and the series' sum. */
export function expectedSeries(
  series: { start: string; clicks: number }[],
  clicks: Click[],
  interval: string,
  zone: string,
) {
  const expected: Record<string, number> = {};
  for (const click of clicks) {
    const { parts, offset } = local(Date.parse(click.at), zone);
    const key = keyOf(parts, offset, interval);
    expected[key] = (expected[key] ?? 0) + 1;
  }
  const actual: Record<string, number> = {};
  let sum = 0;
  for (const { start, clicks: n } of series) {
    sum += n;
    const [, y, m, d, h, sign, oh, om] = start.match(/^(\d{4})-(\d\d)-(\d\d)T(\d\d):\d\d:\d\d([+-])(\d\d):(\d\d)$/)!;
    const offset = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
    const key = keyOf({ year: y, month: m, day: d, hour: h }, offset, interval);
    if (n) actual[key] = (actual[key] ?? 0) + n;
  }
  return { byKey: { actual, expected }, sum };
}

const RAW_COUNTS = `select link_id, date_bin('15 minutes', at, timestamptz '2000-01-01Z') as bucket, country, region, city,
  referrer_host, browser, os, device, is_bot, count(*) as clicks from clicks group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`;
const AGGREGATES = `select link_id, bucket, country, region, city, referrer_host, browser, os, device, is_bot, clicks
  from click_counts`;

/** Rows in which click_counts and a recount of the raw clicks differ (nulls compare equal): 0 when exact. */
export const AGGREGATE_DIFF = `select count(*)::int as n from (
  (${AGGREGATES} except all ${RAW_COUNTS}) union all (${RAW_COUNTS} except all ${AGGREGATES})) d`;

const DIMS_FROM_COUNTS = `select bucket, d.dimension, d.value, is_bot, sum(clicks) as clicks from click_counts
  cross join lateral (values ('all', null), ('country', country), ('region', region), ('city', city),
    ('referrer', referrer_host), ('browser', browser), ('os', os), ('device', device)) as d (dimension, value)
  group by 1, 2, 3, 4`;
const DIMS = 'select bucket, dimension, value, is_bot, clicks from click_dims where clicks <> 0';
const DAYS_FROM_COUNTS = `select date_trunc('day', bucket, 'UTC') as day, link_id, is_bot, sum(clicks) as clicks
  from click_counts group by 1, 2, 3`;
const DAYS = 'select day, link_id, is_bot, clicks from click_link_days';

/** The same for the all-links and per-day tables, against click_counts (itself checked by AGGREGATE_DIFF). */
export const ROLLUP_DIFF = `select
  (select count(*)::int from ((${DIMS} except all ${DIMS_FROM_COUNTS}) union all (${DIMS_FROM_COUNTS} except all ${DIMS})) d) as dims,
  (select count(*)::int from ((${DAYS} except all ${DAYS_FROM_COUNTS}) union all (${DAYS_FROM_COUNTS} except all ${DAYS})) d) as days`;
