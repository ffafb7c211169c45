import { createDb } from '../src/api/db/client';
import { DEFAULT_DATABASE_URL } from '../src/api/lib/hosts';
import { rebuildClickCounts } from '../src/api/routes/analytics/rebuild';

// npm run analytics:rebuild: re-derives the analytics aggregates (click_counts)
// from the raw clicks of DATABASE_URL, one UTC day per transaction. Idempotent;
// safe while the app records clicks.

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const started = Date.now();
try {
  const days = await rebuildClickCounts(createDb(url, 120_000), ({ day, rows }) =>
    console.log(`${day}: ${rows} aggregate rows`),
  );
  console.log(`rebuilt ${days} day(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(`analytics:rebuild failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
