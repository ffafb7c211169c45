import { describe, expect, inject, it } from 'vitest';
import { ADMIN_KEY, bearer, jsonBody, unique } from '../support/accounts';

// Short links and /api/* served by one function with one module state, on a
// real `next start` and a real `wrangler dev`: what the API changes, the
// redirect sees at once. And the app sees the URL the client sent.
const servers = inject('servers');

describe.each(Object.entries(servers))('e2e routing: %s', (_, base) => {
  const send = (path: string, init?: RequestInit) => fetch(base + path, { redirect: 'manual', ...init });

  it('shows an API update or delete to the very next redirect (one link cache)', async () => {
    const slug = unique('one-');
    const created = await send('/api/v1/links', jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/a', slug }));
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const first = await send(`/${slug}`);
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe('https://example.com/a'); // now cached

    const patched = await send(`/api/v1/links/${id}`, jsonBody('PATCH', ADMIN_KEY, { url: 'https://example.com/b' }));
    expect(patched.status).toBe(200);
    const second = await send(`/${slug}`);
    expect(second.status).toBe(302);
    expect(second.headers.get('location')).toBe('https://example.com/b');

    const deleted = await send(`/api/v1/links/${id}`, { method: 'DELETE', headers: bearer(ADMIN_KEY) });
    expect(deleted.status).toBe(204);
    const gone = await send(`/${slug}`, { headers: { Accept: 'application/json' } });
    expect(gone.status).toBe(404);
    expect(gone.headers.get('content-type')).toBe('application/problem+json');
  });

  // Names Next's routing uses (dynamic params, their `nxtP` form, `_rsc`),
  // repeated keys out of order, and encodings: all the visitor's own.
  const QUERY = 'slug=s&route=r&hopSlug=h&hopPath=p&path=x&nxtPslug=n&_rsc=z&a=1&b=2&a=3&sp=a%20b+c&t=%7E';

  it("merges the visitor's query into the redirect exactly as sent", async () => {
    const slug = unique('q-');
    await send('/api/v1/links', jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/d?x=1', slug }));
    const res = await send(`/${slug}?${QUERY}`);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect([...location.searchParams]).toEqual([['x', '1'], ...new URLSearchParams(QUERY)]);
  });

  it('builds pagination links from the query the client sent', async () => {
    const tag = unique('pq-');
    for (let i = 0; i < 2; i++)
      await send('/api/v1/links', jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/', tags: [tag] }));
    const res = await send(`/api/v1/links?tag=${tag}&limit=1&route=r&hopPath=p`, { headers: bearer(ADMIN_KEY) });
    expect(res.status).toBe(200);
    expect(res.headers.get('link')).toMatch(
      new RegExp(`^</api/v1/links\\?tag=${tag}&limit=1&route=r&hopPath=p&cursor=[\\w-]+>; rel="next"$`),
    );
  });

  it('keeps the landing page (Next only), public files and unknown paths where they were', async () => {
    if (base === servers.next) {
      const home = await send('/');
      expect(home.status).toBe(200);
      expect(home.headers.get('content-type')).toMatch(/^text\/html/);
    }
    const asset = await send('/swagger-ui/init.js');
    expect(asset.status).toBe(200);
    // public/favicon.ico (scripts/favicon.ts): browsers ask every origin for it.
    const icon = await send('/favicon.ico');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
    const bytes = new Uint8Array(await icon.arrayBuffer());
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 1, 0]); // ICONDIR: reserved 0, type 1 (icon)
    const deep = await send('/no/such/page', { headers: { Accept: 'application/json' } });
    expect(deep.status).toBe(404);
    expect(deep.headers.get('content-type')).toBe('application/problem+json');
    const post = await send(`/${unique('p-')}`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });
});
