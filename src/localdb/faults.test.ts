// Fault modes (freeze, slow, destroy, unavailable) with the real driver, on each backend.
// Run: npx vitest run src/localdb   (set TEST_DATABASE_URL for the PostgreSQL backend)
import { describe } from 'vitest';
import { controlEndpointTests } from './control-endpoint-suite';
import { faultSuite } from './fault-suite';
import { startLocalDb } from './index';

describe('localdb faults on embedded PGlite', () => {
  faultSuite(async () => {
    const db = await startLocalDb({ port: 0, dataDir: null });
    const { host, port } = db.pgAddress;
    return {
      db,
      direct: { host, port, user: 'hop', password: 'hop', database: 'hop' },
      // A second front on PGlite's wire port, not a second PGlite: cheaper, and the fault switch is all in the front.
      another: () => startLocalDb({ port: 0, backend: `postgres://hop:hop@${host}:${port}/hop` }),
    };
  }, controlEndpointTests);
});

const testDatabaseUrl = process.env.TEST_DATABASE_URL;
if (!testDatabaseUrl) {
  console.warn(
    '[localdb] TEST_DATABASE_URL is not set: skipping the fault tests on PostgreSQL (e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test).',
  );
}

describe.skipIf(!testDatabaseUrl)('localdb faults on PostgreSQL', () => {
  faultSuite(
    async () => ({
      db: await startLocalDb({ port: 0, backend: testDatabaseUrl! }),
      direct: { connectionString: testDatabaseUrl! },
      another: () => startLocalDb({ port: 0, backend: testDatabaseUrl! }),
    }),
    controlEndpointTests,
  );
});
