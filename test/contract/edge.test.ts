import { describe, expect, inject, it } from 'vitest';
import { createFixtureApp, FIXTURE_ENV } from '../fixtures/fixture-app';
import { contractSuite } from './suite';

// Runs under vitest's edge-runtime environment (@edge-runtime/vm): Web
// globals only, as in Next's edge runtime.
const app = createFixtureApp();
const env = { ...FIXTURE_ENV, DATABASE_URL: inject('databaseUrl') };

describe('contract: edge-runtime VM', () => {
  it('runs inside the edge runtime', () => {
    expect(typeof (globalThis as { EdgeRuntime?: string }).EdgeRuntime).toBe('string');
  });
  contractSuite((path, init) => Promise.resolve(app.request(path, init, env)), { fixtures: true });
});
