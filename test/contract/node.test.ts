import { describe, inject } from 'vitest';
import { createFixtureApp, FIXTURE_ENV } from '../fixtures/fixture-app';
import { allContracts } from './all';
import { sendVia } from './send';

const env = { ...FIXTURE_ENV, DATABASE_URL: inject('databaseUrl'), ...inject('storeEnv') };

describe('contract: Node', () => {
  allContracts(sendVia(createFixtureApp(), env));
});
