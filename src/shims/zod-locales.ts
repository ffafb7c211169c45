// Build-time stand-in for zod's locale index (zod/v4/locales/index.js), set
// by wrangler.toml [alias] and next.config.ts turbopack.resolveAlias; see
// README.md beside this file. zod re-exports every locale as `z.locales`, and
// since `z` is used as a whole object (by @hono/zod-openapi and by us) no
// bundler can drop the 63 we never use. zod sets its default English messages
// from zod/v4/locales/en.js itself, untouched by this; `z.locales.en` stays.
export { default as en } from 'zod/v4/locales/en.js';
