import { describe, expect, inject, it } from 'vitest';
import { ADMIN_KEY, jsonBody, unique } from '../support/accounts';
import { waitForClicks } from '../support/clicks';

// Short links on a real `next start` and a real `wrangler dev`: the redirect
// path, and click recording after the response (after() / waitUntil).
const servers = inject('servers');
const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15';

describe.each(Object.entries(servers))('e2e redirects: %s', (_, base) => {
  const send = (path: string, init?: RequestInit) => fetch(base + path, { redirect: 'manual', ...init });

  it('redirects GET and HEAD, counts only the GET, and merges the query', async () => {
    const slug = unique('e2e-');
    const created = await send(
      '/api/v1/links',
      jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/d?x=1', slug, redirectStatus: 307 }),
    );
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    // `slug`, `hopSlug` and `route` are names Next's own routing uses: they must pass through untouched.
    const get = await send(`/${slug}?y=2&slug=s&route=r`, { headers: { 'User-Agent': BROWSER } });
    expect(get.status).toBe(307);
    expect(get.headers.get('location')).toBe('https://example.com/d?x=1&y=2&slug=s&route=r');
    expect(get.headers.get('cache-control')).toBe('no-store');
    const head = await send(`/${slug}`, { method: 'HEAD', headers: { 'User-Agent': BROWSER } });
    expect(head.status).toBe(307);

    expect(await waitForClicks(base, id, 1)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await waitForClicks(base, id, 1)).toBe(1); // the HEAD never counts
  });

  it('builds pagination links from the URL the client sent', async () => {
    const tag = unique('pg-');
    for (let i = 0; i < 2; i++)
      await send('/api/v1/links', jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/', tags: [tag] }));
    const res = await send(`/api/v1/links?tag=${tag}&limit=1`, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('link')).toMatch(
      new RegExp(`^</api/v1/links\\?tag=${tag}&limit=1&cursor=[\\w-]+>; rel="next"$`),
    );
  });

  it('answers an unknown slug with an HTML 404 for browsers', async () => {
    const res = await send(`/${unique('none-')}`, { headers: { Accept: 'text/html' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('answers 410 once a capped link is used up', async () => {
    const slug = unique('cap-');
    await send('/api/v1/links', jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/', slug, maxClicks: 1 }));
    expect((await send(`/${slug}`, { headers: { 'User-Agent': BROWSER } })).status).toBe(302);
    const gone = await send(`/${slug}`, { headers: { 'User-Agent': BROWSER, Accept: 'application/json' } });
    expect(gone.status).toBe(410);
    expect(gone.headers.get('content-type')).toBe('application/problem+json');
  });
});
