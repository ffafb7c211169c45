import { createApp } from './app';
import { getConfig } from './lib/config';
import { sendDueWebhooks } from './routes/webhooks';

// Workers entry: bindings (wrangler vars, .dev.vars, secrets) become c.env.
const app = createApp();

export default {
  fetch: app.fetch,
  // The Cron Trigger declared in wrangler.toml: webhook retries that are due.
  scheduled(_controller, env, ctx) {
    ctx.waitUntil(sendDueWebhooks(getConfig(env)));
  },
} satisfies ExportedHandler<Record<string, unknown>>;
