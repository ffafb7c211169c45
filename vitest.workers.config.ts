import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineProject } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// `@/…` is the repository root, as in tsconfig.json's paths (tests in src/ import helpers by it).
const resolve = { alias: [{ find: /^@\//, replacement: fileURLToPath(new URL('./', import.meta.url)) }] };

export default defineProject({
  resolve,
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: './wrangler.toml' },
      // The local Neon server started by the global setup, reached over fetch.
      miniflare: { bindings: { DATABASE_URL: inject('databaseUrl'), ...inject('storeEnv') } },
    })),
  ],
  test: {
    name: 'workerd',
    include: ['test/workers/**/*.workers.test.ts'],
    globalSetup: ['test/support/localdb-setup.ts'],
  },
});
