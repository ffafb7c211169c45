import type { Db } from '../../db';
import { isTransient } from '../redirect/click-recorder';
import { BUCKET_OF_AT, DIMENSION_VALUES } from '../redirect/redirect.queries';

// Re-derives the aggregates (click_counts, click_dims, click_link_days) from
// the raw clicks, after an import, a restore or a fix: one UTC day per
// transaction, so each step is bounded and readers never see a day half
// rebuilt. Each step locks the aggregates against writes (reads go on): a
// click batch arriving meanwhile waits the step out, then adds its clicks
// to the recount. Running it twice changes nothing.

const DAY_MS = 86_400_000;
const DIMENSIONS = 'country, region, city, referrer_host, browser, os, device, is_bot';
const IN_DAY = (column: string) => `${column} >= $1::timestamptz and ${column} < $2::timestamptz`;

const STEP = [
  'lock table click_counts, click_dims, click_link_days in exclusive mode',
  `delete from click_counts where ${IN_DAY('bucket')}`,
  `insert into click_counts (link_id, bucket, ${DIMENSIONS}, clicks)
    select link_id, ${BUCKET_OF_AT}, ${DIMENSIONS}, count(*) from clicks where ${IN_DAY('at')}
    group by link_id, ${BUCKET_OF_AT}, ${DIMENSIONS}`,
  `delete from click_dims where ${IN_DAY('bucket')}`,
  `insert into click_dims (bucket, dimension, value, is_bot, clicks)
    select bucket, d.dimension, d.value, is_bot, sum(clicks) from click_counts cross join lateral ${DIMENSION_VALUES}
    where ${IN_DAY('bucket')} group by 1, 2, 3, 4`,
  `delete from click_link_days where ${IN_DAY('day')}`,
  `insert into click_link_days (day, link_id, is_bot, clicks)
    select $1::timestamptz, link_id, is_bot, sum(clicks) from click_counts where ${IN_DAY('bucket')} group by 2, 3`,
  `select count(*)::int as rows from click_counts where ${IN_DAY('bucket')}`,
];

// Every day that has clicks or aggregates.
const SPAN = `select least((select min(at) from clicks), (select min(bucket) from click_counts),
    (select min(bucket) from click_dims), (select min(day) from click_link_days)) as first,
  greatest((select max(at) from clicks), (select max(bucket) from click_counts),
    (select max(bucket) from click_dims), (select max(day) from click_link_days)) as last`;

// A step may meet a click batch in a deadlock (40P01): the batch is retried
// by its recorder, the step here.
async function retrying<T>(step: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= attempts || !isTransient(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

export interface RebuildProgress {
  day: string;
  rows: number;
}

/** Rebuilds every day with clicks or aggregates; returns the number of days. */
export async function rebuildClickCounts(db: Db, onDay: (p: RebuildProgress) => void = () => {}): Promise<number> {
  const [span] = await db.query<{ first: string | null; last: string | null }>(SPAN);
  if (!span?.first || !span.last) return 0;
  const first = Math.floor(new Date(span.first).getTime() / DAY_MS) * DAY_MS;
  const last = new Date(span.last).getTime();
  let days = 0;
  for (let day = first; day <= last; day += DAY_MS, days++) {
    const range = [new Date(day).toISOString(), new Date(day + DAY_MS).toISOString()];
    const results = await retrying(() =>
      db.batch(STEP.map((text) => ({ text, params: text.includes('$1') ? range : [] }))),
    );
    onDay({ day: range[0]!.slice(0, 10), rows: Number(results.at(-1)?.[0]?.rows ?? 0) });
  }
  return days;
}
