import { beforeAll, describe, expect, it } from 'vitest';
import type { Send } from '@/test/contract/suite';
import { jsonBody, keyFor, unique } from '@/test/support/accounts';
import { expectInvalid } from '@/test/support/problem';

// Where a short link may lead: what the client sent or a 422, never a
// silently rewritten address, never an internal one. Run in every runtime.

export function destinationsContract(send: Send) {
  let editor: string;
  beforeAll(async () => {
    editor = (await keyFor(send, 'editor')).key;
  });
  const create = (body: Record<string, unknown>) => send('/api/v1/links', jsonBody('POST', editor, body));
  const patch = (id: string, body: Record<string, unknown>) =>
    send(`/api/v1/links/${id}`, jsonBody('PATCH', editor, body));

  describe('control characters', () => {
    it.each([
      ['a tab inside the host', 'https://exa\tmple.com/'],
      ['CR LF and a header after it', 'https://example.com/a\r\nSet-Cookie: hop=1'],
      ['a NUL character', 'https://example.com/a\u0000b'],
      ['a DEL character', 'https://example.com/a\u007fb'],
      ['a leading newline', '\nhttps://example.com/'],
    ])('refuses %s in url with 422 and creates nothing', async (_, url) => {
      const slug = unique('cc-');
      const body = await expectInvalid(await create({ url, slug }), ['url']);
      expect(body.errors!.url![0]).toMatch(/control characters/);
      expect((await send(`/${slug}`, { redirect: 'manual' })).status).toBe(404);
    });

    it('refuses them in fallback URLs, on create and on PATCH', async () => {
      const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
      await expectInvalid(
        await create({ url: 'https://example.com/', expiresAt, expiredUrl: 'https://exa\tmple.com/' }),
        ['expiredUrl'],
      );
      await expectInvalid(
        await create({ url: 'https://example.com/', maxClicks: 5, exhaustedUrl: 'https://example.com/\u0000' }),
        ['exhaustedUrl'],
      );
      const made = await create({ url: 'https://example.com/', expiresAt });
      const { id } = await made.json();
      await expectInvalid(await patch(id, { expiredUrl: 'https://example.com/a\r\nb' }), ['expiredUrl']);
      await expectInvalid(await patch(id, { url: 'https://exa\tmple.com/' }), ['url']);
    });

    it('stores an ordinary URL as the URL parser writes it: the same address', async () => {
      const res = await create({ url: 'HTTPS://Example.COM:443/a b?x=1#top' });
      expect(res.status).toBe(201);
      expect((await res.json()).url).toBe('https://example.com/a%20b?x=1#top');
    });
  });

  describe('internal addresses', () => {
    it.each([
      ['cloud metadata', 'http://169.254.169.254/latest/meta-data/', /link-local/],
      ['a private address', 'http://10.0.0.1/admin', /private/],
      ['192.168/16', 'http://192.168.1.1/', /private/],
      ['localhost', 'http://localhost:8080/', /loopback/],
      ['IPv6 loopback', 'http://[::1]/', /loopback/],
      ['a decimal loopback', 'http://2130706433/', /loopback/],
      ['a hex loopback', 'http://0x7f.0.0.1/', /loopback/],
      ['IPv4-mapped IPv6', 'http://[::ffff:169.254.169.254]/', /link-local/],
      ['an intranet name', 'http://intranet/', /private/],
      ['localhost with trailing dots', 'http://localhost../x', /loopback/],
      ['6to4 around a loopback address', 'http://[2002:7f00:1::]/', /loopback/],
    ])('refuses %s with a 422 that says why', async (_, url, why) => {
      const body = await expectInvalid(await create({ url }), ['url']);
      expect(body.errors!.url![0]).toMatch(why);
    });

    it('refuses them as fallback URLs and on PATCH', async () => {
      await expectInvalid(
        await create({ url: 'https://example.com/', maxClicks: 1, exhaustedUrl: 'http://127.0.0.1/' }),
        ['exhaustedUrl'],
      );
      const { id } = await (await create({ url: 'https://example.com/' })).json();
      await expectInvalid(await patch(id, { url: 'http://169.254.169.254/' }), ['url']);
    });

    it.each(['https://hop.test/other', 'https://hop.test./x', 'http://HOP.test:8080/x'])(
      'refuses this service’s own short domain: %s',
      async (url) => {
        const body = await expectInvalid(await create({ url }), ['url']);
        expect(body.errors!.url![0]).toMatch(/own short domain/);
      },
    );

    it('accepts public addresses, by name or by number', async () => {
      for (const url of ['http://93.184.215.14/', 'http://[2606:4700::1111]/', 'https://sub.example.org:8443/p']) {
        expect((await create({ url })).status, url).toBe(201);
      }
    });
  });
}
