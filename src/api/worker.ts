import { createApp } from './app';

// Workers entry: bindings (wrangler vars, .dev.vars, secrets) become c.env.
const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Record<string, unknown>>;
