import type { Db } from '../../db';
import { isTransient } from '../redirect/click-recorder';
import { BUCKET_OF_AT } from '../redirect/redirect.queries';

// Re-derives click_counts from the raw clicks (after an import, a restore or
// a fix): one UTC day per transaction, so each step is bounded and readers
// never see a day half-rebuilt. Safe beside live click writes (READ
// COMMITTED): a batch that commits before the day's insert is in its
// recount, and the recount *sets* counts, so one that commits after it adds
// only its own clicks. Running it twice changes nothing.

const DAY_MS = 86_400_000;
const DIMENSIONS = 'country, region, city, referrer_host, browser, os, device, is_bot';

const DELETE_DAY = `delete from click_counts where bucket >= $1::timestamptz and bucket < $2::timestamptz`;
const INSERT_DAY = `with inserted as (insert into click_counts (link_id, bucket, ${DIMENSIONS}, clicks)
  select link_id, ${BUCKET_OF_AT}, ${DIMENSIONS}, count(*) from clicks
  where at >= $1::timestamptz and at < $2::timestamptz
  group by link_id, ${BUCKET_OF_AT}, ${DIMENSIONS}
  on conflict (link_id, bucket, ${DIMENSIONS}) do update set clicks = excluded.clicks
  returning 1) select count(*)::int as rows from inserted`;

// Every day that has clicks or counts.
const SPAN = `select least((select min(at) from clicks), (select min(bucket) from click_counts)) as first,
  greatest((select max(at) from clicks), (select max(bucket) from click_counts)) as last`;

// A day's rows and a click batch's may lock each other in turn (deadlock,
// 40P01): the batch is retried by its recorder, the day here.
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

/** Rebuilds every day with clicks or counts; returns the number of days. */
export async function rebuildClickCounts(db: Db, onDay: (p: RebuildProgress) => void = () => {}): Promise<number> {
  const [span] = await db.query<{ first: string | null; last: string | null }>(SPAN);
  if (!span?.first || !span.last) return 0;
  const first = Math.floor(new Date(span.first).getTime() / DAY_MS) * DAY_MS;
  const last = new Date(span.last).getTime();
  let days = 0;
  for (let day = first; day <= last; day += DAY_MS, days++) {
    const range = [new Date(day).toISOString(), new Date(day + DAY_MS).toISOString()];
    const [, inserted] = await retrying(() =>
      db.batch([
        { text: DELETE_DAY, params: range },
        { text: INSERT_DAY, params: range },
      ]),
    );
    onDay({ day: range[0]!.slice(0, 10), rows: Number(inserted?.[0]?.rows ?? 0) });
  }
  return days;
}
