import { defineProject } from 'vitest/config';
import { resolve } from './vitest.shared';

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
