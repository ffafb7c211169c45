import type { Config } from '../api/lib/config';
import { sendDueWebhooks } from '../api/routes/webhooks';

// The Node server's webhook scheduler: due retries are sent on a timer, once
// per process, with jitter so several processes on one database do not claim
// in step (their claims skip each other's rows anyway). The edge deployments
// use the cron route or Workers' Cron Trigger instead.

const EVERY_MS = 5_000;
/** What a shutdown gives the last run: deliveries still due then are sent by the next process. */
const DRAIN_BUDGET_MS = 5_000;

export interface WebhookScheduler {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
  /** One last run at shutdown, bounded in time. */
  drain(): Promise<void>;
}

export function startWebhookScheduler(config: Config, everyMs = EVERY_MS, send?: typeof fetch): WebhookScheduler {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(run, everyMs * (0.5 + Math.random()));
    timer.unref();
  };
  const run = () => {
    running = sendDueWebhooks(config, undefined, send).finally(schedule);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    async drain() {
      await sendDueWebhooks(config, DRAIN_BUDGET_MS, send);
    },
  };
}
