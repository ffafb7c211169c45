import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// `@/…` is the repository root, as in tsconfig.json's paths (tests in src/ import helpers by it).
const resolve = { alias: [{ find: /^@\//, replacement: fileURLToPath(new URL('./', import.meta.url)) }] };

// One contract suite, three runtimes, plus end-to-end tests against real
// `next start` and `wrangler dev` servers.
export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/contract/edge.test.ts', 'test/workers/**', 'test/e2e/**', '**/node_modules/**'],
          testTimeout: 30_000,
          // PGlite starts in a few seconds, many more on a loaded shared machine.
          hookTimeout: 60_000,
          globalSetup: ['test/support/localdb-setup.ts'],
        },
      },
      {
        resolve,
        test: {
          name: 'edge',
          environment: 'edge-runtime',
          include: ['test/contract/edge.test.ts'],
          hookTimeout: 60_000,
          globalSetup: ['test/support/localdb-setup.ts'],
        },
      },
      './vitest.workers.config.ts',
      './vitest.e2e.config.ts',
    ],
  },
});
