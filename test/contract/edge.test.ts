import { describe, expect, inject, it } from 'vitest';
import { createFixtureApp, FIXTURE_ENV } from '../fixtures/fixture-app';
import { allContracts } from './all';
import { sendVia } from './send';

// Runs under vitest's edge-runtime environment (@edge-runtime/vm): Web
// globals only, as in Next's edge runtime.
const env = { ...FIXTURE_ENV, DATABASE_URL: inject('databaseUrl'), ...inject('storeEnv') };

describe('contract: edge-runtime VM', () => {
  it('runs inside the edge runtime', () => {
    expect(typeof (globalThis as { EdgeRuntime?: string }).EdgeRuntime).toBe('string');
  });
  allContracts(sendVia(createFixtureApp(), env));
});
