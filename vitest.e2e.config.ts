import { defineProject } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// `@/…` is the repository root, as in tsconfig.json's paths (tests in src/ import helpers by it).
const resolve = { alias: [{ find: /^@\//, replacement: fileURLToPath(new URL('./', import.meta.url)) }] };

export default defineProject({
  resolve,
  test: {
    name: 'e2e',
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/servers.ts'],
    testTimeout: 30_000,
    hookTimeout: 240_000,
  },
});
