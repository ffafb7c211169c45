import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { createDb } from '../../src/api/db/client';
import { ADMIN_KEY, jsonBody, unique } from '../support/accounts';
import { createFixtureApp, FIXTURE_ENV } from '../fixtures/fixture-app';

// Workers report the client's location in request.cf: clicks record it.
const app = createFixtureApp();
const bindings = { ...env, ...FIXTURE_ENV } as Record<string, unknown>;

async function send(path: string, init?: RequestInit & { cf?: Record<string, unknown> }) {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(new URL(path, 'http://hop.test'), init), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

it('records the country, region and city from request.cf', async () => {
  const slug = unique('cf-');
  const created = await send('/api/v1/links', jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/', slug }));
  const { id } = (await created.json()) as { id: string };
  const res = await send(`/${slug}`, { redirect: 'manual', cf: { country: 'DE', regionCode: 'BE', city: 'Berlin' } });
  expect(res.status).toBe(302);
  const rows = await createDb(String(bindings.DATABASE_URL), 5_000).query(
    'select country, region, city from clicks where link_id = $1',
    [id],
  );
  expect(rows).toEqual([{ country: 'DE', region: 'BE', city: 'Berlin' }]);
});
