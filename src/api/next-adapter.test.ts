import { describe, expect, it, vi } from 'vitest';

// The adapter's URL repair, without a Next server: what it keeps of the
// header the Node guard sets, and what it refuses when a client sends the
// header itself (where no guard runs, e.g. on Vercel).
vi.mock('next/server', () => ({ after: () => {} }));
const { handle, originalUrl, peerAddress } = await import('./next-adapter');

process.env.LOG_LEVEL = 'silent';

/** The query the app sees, read back from a 422 problem's `instance`-free echo: the QR route validates `url`. */
async function seen(path: string, header?: string) {
  const headers = header ? { 'x-hop-original-url': header } : undefined;
  const res = await handle(new Request(`http://hop.test${path}`, { headers }));
  return { status: res.status, etag: res.headers.get('etag') };
}

describe('next adapter', () => {
  it('ignores a forged original URL whose query differs from the request’s', async () => {
    const legit = encodeURIComponent('https://example.com/legit');
    const evil = encodeURIComponent('https://example.com/evil');
    const direct = await seen(`/api/v1/qr?url=${legit}&hopPath=api&hopPath=v1&hopPath=qr`);
    const forged = await seen(`/api/v1/qr?url=${legit}&hopPath=api&hopPath=v1&hopPath=qr`, `/api/v1/qr?url=${evil}`);
    const dropped = await seen(`/api/v1/qr?url=${legit}&hopPath=api`, '/api/v1/qr');
    expect(direct.status).toBe(200);
    expect(forged).toEqual(direct); // the same image: the legit URL, not the forged one
    expect(dropped).toEqual(direct);
  });

  const url = (path: string, header?: string) =>
    originalUrl(new Request(`http://hop.test${path}`, header ? { headers: { 'x-hop-original-url': header } } : {}));

  it('restores the client’s own order and its own hopPath from the guard’s header', () => {
    expect(url('/s?a=1&a=3&b=2&hopPath=s', '/s?a=1&b=2&a=3')).toBe('http://hop.test/s?a=1&b=2&a=3');
    expect(url('/s?x=1&hopPath=s', '/s?hopPath=mine&x=1')).toBe('http://hop.test/s?hopPath=mine&x=1');
    expect(url('/s?a=%20b', '/s?a=+b')).toBe('http://hop.test/s?a=+b'); // the same pairs, spelled as sent
    expect(url('/s?a=1', '/s?a=1')).toBeNull(); // nothing to repair
  });

  it('strips Next’s param when there is no usable header', () => {
    expect(url('/api/v1/links?hopPath=api&hopPath=v1&hopPath=links&tag=a')).toBe('http://hop.test/api/v1/links?tag=a');
    expect(url('/s?hopPath=s&x=1', '/other?x=1')).toBe('http://hop.test/s?x=1'); // another path
    expect(url('/s?hopPath=s&x=1', '/s?x=2')).toBe('http://hop.test/s?x=1'); // another query
    expect(url('/s?x=1')).toBeNull();
  });

  it('takes the peer address only from the Node guard’s header with this process’s token, and drops the header', () => {
    const request = (value?: string) =>
      new Request('http://hop.test/api/v1/qr', value ? { headers: { 'x-hop-peer': value } } : {});
    const guarded = request('tok3n 203.0.113.5');
    expect(peerAddress(guarded, 'tok3n ')).toBe('203.0.113.5');
    expect(guarded.headers.has('x-hop-peer')).toBe(false);
    const forged = request('guess 198.51.100.1');
    expect(peerAddress(forged, 'tok3n ')).toBeNull();
    expect(forged.headers.has('x-hop-peer')).toBe(false);
    expect(peerAddress(request('tok3n 203.0.113.5'), null)).toBeNull(); // no guard in this process (Vercel)
    expect(peerAddress(request(), 'tok3n ')).toBeNull();
  });
});
