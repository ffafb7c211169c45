import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineProject } from 'vitest/config';
import { resolve } from './vitest.shared';

export default defineProject({
  resolve,
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
