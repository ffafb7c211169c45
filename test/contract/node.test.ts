import { describe } from 'vitest';
import { createFixtureApp, FIXTURE_ENV } from '../fixtures/fixture-app';
import { contractSuite } from './suite';

const app = createFixtureApp();

describe('contract: Node (app.request)', () => {
  contractSuite((path, init) => Promise.resolve(app.request(path, init, FIXTURE_ENV)), { fixtures: true });
});
