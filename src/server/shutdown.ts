import { isolateOf, type App } from '../api/app';
import { createDb } from '../api/db/client';
import type { Config } from '../api/lib/config';
import { log } from '../api/lib/log';
import { sleep } from '../api/lib/time';
import { clickWriter } from '../api/routes/redirect';
import type { NodeServer } from './server';

/** How long requests already received may take to finish. */
const REQUEST_GRACE_MS = 10_000;
/** How long deferred work (click batches, key touches) may take to settle. */
const WORK_GRACE_MS = 15_000;

/**
 * Stops without losing a click: no new connections, feed streams and sockets ended, requests in flight
 * finish (at most 10 s), deferred work settles, and whatever clicks are still
 * buffered are written before the database closes.
 */
export async function shutdown(node: NodeServer, app: App, config: Config, closeDatabase: () => Promise<void>) {
  const { server, work, sockets } = node;
  // Feed streams would hold the drain for its whole grace, and sockets the server itself: both end
  // now, and their clients resume elsewhere with their cursor.
  sockets.closeAll();
  isolateOf(app).clickHub.closeAll();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  for (const deadline = Date.now() + REQUEST_GRACE_MS; node.inFlight() > 0 && Date.now() < deadline;) await sleep(20);
  server.closeAllConnections();
  await closed;
  await Promise.race([work.idle(), sleep(WORK_GRACE_MS)]);
  const { clickRecorder } = isolateOf(app);
  const timeout = config.DB_QUERY_TIMEOUT_MS;
  const db = createDb(config.DATABASE_URL, timeout);
  await clickRecorder.flush(
    clickWriter(() => db),
    timeout,
  );
  if (clickRecorder.pending > 0) {
    log(config.LOG_LEVEL, 'error', { msg: 'clicks not written at shutdown', count: clickRecorder.pending });
  }
  await closeDatabase();
}
