import { describe, expect, it } from 'vitest';
import type { Send } from '@/test/contract/suite';
import { ADMIN_KEY, bearer, jsonBody, unique } from '@/test/support/accounts';
import { linkSuiteSetup, type LinkBody } from '@/test/support/links';

// The links API through HTTP; run in Node, the edge-runtime VM and workerd.

export function linksContract(send: Send) {
  const { keys, create, createOk } = linkSuiteSetup(send);

  describe('POST /api/v1/links', () => {
    it('creates a link: 201, Location, shortUrl, qrUrl, clicks, normalised url', async () => {
      const slug = unique('c-');
      const res = await create({ url: 'HTTPS://Example.COM:443/a b?x=1', slug, title: 'T', tags: ['a', 'b'] });
      expect(res.status).toBe(201);
      const link = await res.json();
      expect(res.headers.get('location')).toBe(`/api/v1/links/${link.id}`);
      expect(link).toMatchObject({
        slug,
        url: 'https://example.com/a%20b?x=1',
        shortUrl: `https://hop.test/${slug}`,
        qrUrl: `https://hop.test/api/v1/qr?url=${encodeURIComponent(`https://hop.test/${slug}`)}`,
        title: 'T',
        tags: ['a', 'b'],
        redirectStatus: 302,
        forwardQuery: true,
        clicks: 0,
        maxClicks: null,
        expiresAt: null,
      });
    });

    it('generates a 7-character slug when none is given', async () => {
      const a = await createOk({ url: 'https://example.com/' });
      const b = await createOk({ url: 'https://example.com/' });
      expect(a.slug).toMatch(/^[A-Za-z0-9]{7}$/);
      expect(b.slug).not.toBe(a.slug);
    });

    it('treats slugs as case-sensitive', async () => {
      const slug = unique('Case');
      await createOk({ url: 'https://example.com/1', slug });
      await createOk({ url: 'https://example.com/2', slug: slug.toLowerCase() });
    });

    it.each([
      ['javascript: URLs', { url: 'javascript:alert(1)' }, 'url'],
      ['data: URLs', { url: 'data:text/html,hi' }, 'url'],
      ['ftp: URLs', { url: 'ftp://example.com/f' }, 'url'],
      ['credentials in the URL', { url: 'https://user:pw@example.com/' }, 'url'],
      ['links to the short domain itself', { url: 'https://hop.test/other' }, 'url'],
      ['URLs over 2048 characters', { url: `https://example.com/${'a'.repeat(2040)}` }, 'url'],
      ['a slug with bad characters', { url: 'https://e.com', slug: 'no/slash' }, 'slug'],
      ['a slug under 3 characters', { url: 'https://e.com', slug: 'ab' }, 'slug'],
      ['the reserved slug api', { url: 'https://e.com', slug: 'api' }, 'slug'],
      ['the reserved slug _next', { url: 'https://e.com', slug: '_next' }, 'slug'],
      ['the reserved slug docs in any case', { url: 'https://e.com', slug: 'Docs' }, 'slug'],
      ['more than 10 tags', { url: 'https://e.com', tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'tags'],
      ['a redirect status of 303', { url: 'https://e.com', redirectStatus: 303 }, 'redirectStatus'],
      ['an expiry in the past', { url: 'https://e.com', expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
      ['an expiredUrl without expiresAt', { url: 'https://e.com', expiredUrl: 'https://e.com/x' }, 'expiredUrl'],
      ['an exhaustedUrl without maxClicks', { url: 'https://e.com', exhaustedUrl: 'https://e.com/x' }, 'exhaustedUrl'],
      ['maxClicks of 0', { url: 'https://e.com', maxClicks: 0 }, 'maxClicks'],
      ['a NUL character in the title', { url: 'https://e.com', title: 'a\u0000b' }, 'title'],
      ['a NUL character in a tag', { url: 'https://e.com', tags: ['ok', '\u0000'] }, 'tags.1'],
    ])('refuses %s with 422', async (_, body, field) => {
      const res = await create(body);
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(Object.keys((await res.json()).errors)).toEqual([field]);
    });

    it('refuses a taken slug with 409', async () => {
      const slug = unique('t-');
      await createOk({ url: 'https://example.com/', slug });
      const res = await create({ url: 'https://example.com/other', slug });
      expect(res.status).toBe(409);
      expect((await res.json()).errors).toEqual({ slug: [expect.stringContaining(slug)] });
    });

    it('lets exactly one of two simultaneous creates of a slug win', async () => {
      const slug = unique('race-');
      const statuses = (await Promise.all([1, 2, 3].map((n) => create({ url: `https://example.com/${n}`, slug })))).map(
        (r) => r.status,
      );
      expect(statuses.sort()).toEqual([201, 409, 409]);
    });

    it('needs an editor: 401 without a key, 403 for a viewer', async () => {
      const anonymous = await send('/api/v1/links', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"url":"https://e.com"}',
      });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
      // Not even read without a key: bytes that are not UTF-8 still get 401, not 400.
      const unread = await send('/api/v1/links', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: new Uint8Array([0x7b, 0xe9, 0x7d]),
      });
      expect(unread.status).toBe(401);
      expect((await create({ url: 'https://e.com' }, keys.viewer)).status).toBe(403);
      expect((await create({ url: 'https://e.com' }, ADMIN_KEY)).status).toBe(201);
    });
  });

  describe('POST /api/v1/links/bulk', () => {
    const bulk = (links: unknown[]) => send('/api/v1/links/bulk', jsonBody('POST', keys.editor, { links }));

    it('creates all links, in order', async () => {
      const tag = unique('bulk-');
      const res = await bulk([0, 1, 2].map((i) => ({ url: `https://example.com/${i}`, tags: [tag] })));
      expect(res.status).toBe(201);
      const { links } = await res.json();
      expect(links.map((l: LinkBody) => l.url)).toEqual([0, 1, 2].map((i) => `https://example.com/${i}`));
    });

    it('names each invalid item by index with 422 and creates none', async () => {
      const tag = unique('bulk-');
      const res = await bulk([
        { url: 'https://example.com/ok', tags: [tag] },
        { url: 'javascript:alert(1)', tags: [tag] },
        { url: 'https://example.com/ok', slug: 'x', tags: [tag] },
      ]);
      expect(res.status).toBe(422);
      expect(Object.keys((await res.json()).errors).sort()).toEqual(['links.1.url', 'links.2.slug']);
      const listed = await (await send(`/api/v1/links?tag=${tag}`, { headers: bearer(keys.editor) })).json();
      expect(listed.items).toEqual([]);
    });

    it('is all-or-nothing when a slug is taken: 409 naming the item', async () => {
      const tag = unique('bulk-');
      const taken = unique('bt-');
      await createOk({ url: 'https://example.com/', slug: taken });
      const res = await bulk([
        { url: 'https://example.com/1', slug: unique('bn-'), tags: [tag] },
        { url: 'https://example.com/2', slug: taken, tags: [tag] },
      ]);
      expect(res.status).toBe(409);
      expect(Object.keys((await res.json()).errors)).toEqual(['links.1.slug']);
      const listed = await (await send(`/api/v1/links?tag=${tag}`, { headers: bearer(keys.editor) })).json();
      expect(listed.items).toEqual([]);
    });

    it('refuses a slug repeated within the batch, and more than 100 links', async () => {
      const slug = unique('dup-');
      const dup = await bulk([
        { url: 'https://e.com/1', slug },
        { url: 'https://e.com/2', slug },
      ]);
      expect(dup.status).toBe(422);
      expect(Object.keys((await dup.json()).errors)).toEqual(['links.1.slug']);
      const many = await bulk(Array.from({ length: 101 }, () => ({ url: 'https://e.com' })));
      expect(many.status).toBe(422);
      expect(Object.keys((await many.json()).errors)).toEqual(['links']);
    });
  });

  describe('GET /api/v1/links', () => {
    const list = async (query: string, key = keys.viewer) => {
      const res = await send(`/api/v1/links?${query}`, { headers: bearer(key) });
      expect(res.status, await res.clone().text()).toBe(200);
      return { res, body: await res.json() };
    };

    it('pages newest first with Link: rel="next" until the end', async () => {
      const tag = unique('page-');
      const made: string[] = [];
      for (let i = 0; i < 5; i++) made.push((await createOk({ url: `https://example.com/${i}`, tags: [tag] })).id);
      const seen: string[] = [];
      let next: string | null = `/api/v1/links?tag=${tag}&limit=2`;
      while (next) {
        const res = await send(next, { headers: bearer(keys.viewer) });
        const body = await res.json();
        expect(body.items.length).toBeLessThanOrEqual(2);
        seen.push(...body.items.map((l: LinkBody) => l.id));
        const link = res.headers.get('link');
        next = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1]! : null;
        expect(next === null).toBe(body.nextCursor === null);
      }
      expect(seen).toEqual([...made].reverse());
    });

    it('keeps pages stable while links are inserted', async () => {
      const tag = unique('stable-');
      const made: string[] = [];
      for (let i = 0; i < 4; i++) made.push((await createOk({ url: `https://example.com/${i}`, tags: [tag] })).id);
      const first = await list(`tag=${tag}&limit=2`);
      await createOk({ url: 'https://example.com/new', tags: [tag] });
      const second = await list(`tag=${tag}&limit=2&cursor=${first.body.nextCursor}`);
      const ids = [...first.body.items, ...second.body.items].map((l: LinkBody) => l.id);
      expect(ids).toEqual([...made].reverse());
    });

    it('filters by tag, text and creation time', async () => {
      const tag = unique('f-');
      const word = unique('word');
      const before = new Date(Date.now() - 1000).toISOString();
      const match = await createOk({ url: 'https://example.com/', title: `About ${word}`, tags: [tag] });
      await createOk({ url: 'https://example.com/', title: 'Other', tags: [tag] });
      expect((await list(`tag=${tag}&q=${word.toUpperCase()}`)).body.items.map((l: LinkBody) => l.id)).toEqual([
        match.id,
      ]);
      expect((await list(`tag=${tag}&createdAfter=${encodeURIComponent(before)}`)).body.items).toHaveLength(2);
      expect((await list(`tag=${tag}&createdBefore=${encodeURIComponent(before)}`)).body.items).toHaveLength(0);
      expect((await list(`q=${encodeURIComponent('%')}&tag=${tag}`)).body.items).toHaveLength(0);
    });

    it('looks a link up by its exact slug, and filters by any of several tags', async () => {
      const slug = unique('Exact-');
      const made = await createOk({ url: 'https://example.com/', slug });
      await createOk({ url: 'https://example.com/', slug: slug.toLowerCase() });
      expect((await list(`slug=${slug}`)).body.items.map((l: LinkBody) => l.id)).toEqual([made.id]);
      expect((await list(`slug=${slug.slice(0, -1)}`)).body.items).toEqual([]);
      const [a, b] = [unique('ta-'), unique('tb-')];
      const withA = await createOk({ url: 'https://example.com/', tags: [a] });
      const withB = await createOk({ url: 'https://example.com/', tags: [b, 'other'] });
      const both = (await list(`tag=${a}&tag=${b}`)).body.items.map((l: LinkBody) => l.id);
      expect(both).toEqual([withB.id, withA.id]);
    });

    const cursor = (at: string) => btoa(JSON.stringify([at, crypto.randomUUID()])).replace(/=+$/, '');
    it.each([
      'limit=0',
      'limit=101',
      'cursor=garbage',
      `cursor=${cursor('not a time')}`,
      `cursor=${cursor('2026-13-45 99:99:99+00')}`,
      'createdAfter=yesterday',
      'q=%00',
      'tag=a%00',
    ])('refuses %s with 422', async (query) => {
      const res = await send(`/api/v1/links?${query}`, { headers: bearer(keys.viewer) });
      expect(res.status).toBe(422);
      expect(Object.keys((await res.json()).errors)).toEqual([query.split('=')[0]]);
    });
  });
}
