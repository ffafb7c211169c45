import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { allContracts } from '../contract/all';
import type { Send } from '../contract/suite';
import { createFixtureApp, FIXTURE_ENV } from '../fixtures/fixture-app';

// Runs inside workerd through @cloudflare/vitest-pool-workers, with a real
// ExecutionContext whose waitUntil work is awaited like the Workers runtime does.
const app = createFixtureApp();
const bindings = { ...env, ...FIXTURE_ENV };

const send: Send = async (path, init) => {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(new URL(path, 'http://hop.test'), init), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
};

describe('contract: workerd', () => {
  it('runs inside workerd', () => {
    expect(navigator.userAgent).toBe('Cloudflare-Workers');
  });
  allContracts(send);
});

describe('worker entry (SELF)', () => {
  it('serves the real app from wrangler.toml', async () => {
    const res = await SELF.fetch('http://hop.test/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', db: 'ok' });
  });
});
