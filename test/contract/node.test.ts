import { describe, inject } from 'vitest';
import { createFixtureApp, FIXTURE_ENV } from '../fixtures/fixture-app';
import { contractSuite } from './suite';

const app = createFixtureApp();
const env = { ...FIXTURE_ENV, DATABASE_URL: inject('databaseUrl') };

describe('contract: Node (app.request)', () => {
  contractSuite((path, init) => Promise.resolve(app.request(path, init, env)), { fixtures: true });
});
