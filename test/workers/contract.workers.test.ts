import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createFixtureApp, FIXTURE_ENV } from '../fixtures/fixture-app';
import { contractSuite } from '../contract/suite';

// Runs inside workerd through @cloudflare/vitest-pool-workers.
const app = createFixtureApp();

describe('contract: workerd', () => {
  it('runs inside workerd', () => {
    expect(navigator.userAgent).toBe('Cloudflare-Workers');
  });
  contractSuite((path, init) => Promise.resolve(app.request(path, init, { ...env, ...FIXTURE_ENV })), {
    fixtures: true,
  });
});

describe('worker entry (SELF)', () => {
  it('serves the real app from wrangler.toml', async () => {
    const res = await SELF.fetch('http://hop.test/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', db: 'ok' });
  });
});
