import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineProject } from 'vitest/config';

export default defineProject({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: './wrangler.toml' },
      // The local Neon server started by the global setup, reached over fetch.
      miniflare: { bindings: { DATABASE_URL: inject('databaseUrl') } },
    })),
  ],
  test: {
    name: 'workerd',
    include: ['test/workers/**/*.workers.test.ts'],
    globalSetup: ['test/support/localdb-setup.ts'],
  },
});
