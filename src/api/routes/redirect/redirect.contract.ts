import { beforeAll, expect, it } from 'vitest';
import type { Send } from '@/test/contract/suite';
import { bearer, jsonBody, keyFor, unique } from '@/test/support/accounts';

// The redirect hot path through HTTP; run in Node, the edge-runtime VM and workerd.

const BROWSER =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const BOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function redirectContract(send: Send) {
  let editor: string;
  beforeAll(async () => {
    editor = (await keyFor(send, 'editor')).key;
  });

  const make = async (body: Record<string, unknown>) => {
    const res = await send('/api/v1/links', jsonBody('POST', editor, { slug: unique('r-'), ...body }));
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as { id: string; slug: string };
  };
  const visit = (slug: string, init: RequestInit = {}, ua = BROWSER) =>
    send(`/${slug}`, { redirect: 'manual', ...init, headers: { 'User-Agent': ua, ...init.headers } });
  const clicks = async (id: string) =>
    (await (await send(`/api/v1/links/${id}`, { headers: bearer(editor) })).json()).clicks as number;

  it.each([301, 302, 307, 308])('redirects with the link’s status %i and no caching', async (status) => {
    const link = await make({ url: 'https://example.com/dest', redirectStatus: status });
    const res = await visit(link.slug);
    expect(res.status).toBe(status);
    expect(res.headers.get('location')).toBe('https://example.com/dest');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('merges the query string, keeping the destination’s own parameters', async () => {
    const link = await make({ url: 'https://example.com/p?utm_source=hop' });
    const res = await visit(`${link.slug}?utm_source=evil&ref=tw&ref=fb`);
    expect(res.headers.get('location')).toBe('https://example.com/p?utm_source=hop&ref=tw&ref=fb');
    const plain = await make({ url: 'https://example.com/p', forwardQuery: false });
    expect((await visit(`${plain.slug}?a=1`)).headers.get('location')).toBe('https://example.com/p');
  });

  it('answers HEAD like GET without counting it', async () => {
    const link = await make({ url: 'https://example.com/h' });
    const head = await visit(link.slug, { method: 'HEAD' });
    expect(head.status).toBe(302);
    expect(head.headers.get('location')).toBe('https://example.com/h');
    await visit(link.slug);
    expect(await clicks(link.id)).toBe(1);
  });

  it('counts human clicks, not bots', async () => {
    const link = await make({ url: 'https://example.com/c' });
    await Promise.all([visit(link.slug), visit(link.slug), visit(link.slug, {}, BOT)]);
    expect(await clicks(link.id)).toBe(2);
  });

  it('stops at maxClicks: then exhaustedUrl, or 410; bots and HEAD do not use the budget', async () => {
    const link = await make({
      url: 'https://example.com/m',
      maxClicks: 2,
      exhaustedUrl: 'https://example.com/sold-out',
    });
    expect((await visit(link.slug, {}, BOT)).status).toBe(302);
    expect((await visit(link.slug, { method: 'HEAD' })).status).toBe(302);
    expect((await visit(link.slug)).headers.get('location')).toBe('https://example.com/m');
    expect((await visit(link.slug)).headers.get('location')).toBe('https://example.com/m');
    const third = await visit(link.slug);
    expect(third.status).toBe(302);
    expect(third.headers.get('location')).toBe('https://example.com/sold-out');
    expect(await clicks(link.id)).toBe(2);

    const strict = await make({ url: 'https://example.com/once', maxClicks: 1 });
    const results = await Promise.all([1, 2, 3, 4].map(() => visit(strict.slug)));
    expect(results.map((r) => r.status).sort()).toEqual([302, 410, 410, 410]);
  });

  it('keeps an exhausted link exhausted for bots, curl and HEAD too, without counting them', async () => {
    const link = await make({ url: 'https://example.com/one', maxClicks: 1 });
    const fallback = await make({
      url: 'https://example.com/one',
      maxClicks: 1,
      exhaustedUrl: 'https://example.com/out',
    });
    for (const { slug } of [link, fallback]) {
      expect((await visit(slug, {}, BOT)).status).toBe(302); // not yet exhausted: bots pass, uncounted
      expect((await visit(slug)).status).toBe(302);
    }
    for (const ua of [BOT, 'curl/8.5.0', BROWSER]) {
      const gone = await visit(link.slug, { headers: { Accept: 'application/json' } }, ua);
      expect(gone.status, ua).toBe(410);
      expect((await visit(fallback.slug, {}, ua)).headers.get('location'), ua).toBe('https://example.com/out');
    }
    expect((await visit(link.slug, { method: 'HEAD' })).status).toBe(410);
    expect((await visit(fallback.slug, { method: 'HEAD' })).headers.get('location')).toBe('https://example.com/out');
    expect(await clicks(link.id)).toBe(1);
    expect(await clicks(fallback.id)).toBe(1);
  });

  it('sends an expired link to expiredUrl, or answers 410', async () => {
    const soon = new Date(Date.now() + 1500).toISOString();
    const withFallback = await make({
      url: 'https://example.com/e',
      expiresAt: soon,
      expiredUrl: 'https://example.com/over',
    });
    const without = await make({ url: 'https://example.com/e', expiresAt: soon });
    expect((await visit(withFallback.slug)).headers.get('location')).toBe('https://example.com/e');
    await sleep(1600);
    const fallback = await visit(withFallback.slug);
    expect(fallback.status).toBe(302);
    expect(fallback.headers.get('cache-control')).toBe('no-store');
    expect(fallback.headers.get('location')).toBe('https://example.com/over');
    const gone = await visit(without.slug, { headers: { Accept: 'application/json' } });
    expect(gone.status).toBe(410);
    expect(gone.headers.get('content-type')).toBe('application/problem+json');
  });

  it('answers an unknown slug with 404: HTML for browsers, problem+json for JSON clients', async () => {
    const slug = unique('missing-');
    const html = await visit(slug, { headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(html.status).toBe(404);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await html.text()).toContain(`/${slug}`);
    const json = await visit(slug, { headers: { Accept: 'application/json' } });
    expect(json.status).toBe(404);
    expect(json.headers.get('content-type')).toBe('application/problem+json');
  });

  it('escapes what the 404 page echoes of the path', async () => {
    const res = await send('/%3Cscript%3Ealert(1)%3C/script%3E', { headers: { Accept: 'text/html' } });
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
  });

  it('sees changes and deletions at once in the isolate that made them', async () => {
    const link = await make({ url: 'https://example.com/before' });
    expect((await visit(link.slug)).headers.get('location')).toBe('https://example.com/before');
    await send(`/api/v1/links/${link.id}`, jsonBody('PATCH', editor, { url: 'https://example.com/after' }));
    expect((await visit(link.slug)).headers.get('location')).toBe('https://example.com/after');
    const renamed = unique('rn-');
    await send(`/api/v1/links/${link.id}`, jsonBody('PATCH', editor, { slug: renamed }));
    expect((await visit(link.slug)).status).toBe(404);
    expect((await visit(renamed)).status).toBe(302);
    await send(`/api/v1/links/${link.id}`, { method: 'DELETE', headers: bearer(editor) });
    expect((await visit(renamed)).status).toBe(404);
  });

  it('finds a link created right after its slug was looked up in vain', async () => {
    const slug = unique('late-');
    expect((await visit(slug)).status).toBe(404);
    await make({ url: 'https://example.com/late', slug });
    expect((await visit(slug)).status).toBe(302);
  });
}
