import { describe, expect, it } from 'vitest';
import { version } from '../../package.json';

/** A response whose JSON tests read freely (Workers' types make `json()` unknown). */
export type TestResponse = Omit<Response, 'json' | 'clone'> & { json(): Promise<any>; clone(): TestResponse };
export type Send = (path: string, init?: RequestInit) => Promise<TestResponse>;

export interface SuiteOptions {
  /** The app under test includes test/fixtures routes (not in real servers). */
  fixtures: boolean;
}

export const ALLOWED_ORIGIN = 'https://app.example';
const FOREIGN_ORIGIN = 'https://evil.example';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function expectProblem(res: TestResponse, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = await res.json();
  expect(body).toMatchObject({ status, instance: expect.any(String), title: expect.any(String) });
  expect(body.type).toMatch(/^(about:blank|urn:hop:problem:)/);
  expect(body.detail).toEqual(expect.any(String));
  expect(body.requestId).toBe(res.headers.get('x-request-id'));
  return body as { detail: string; errors?: Record<string, string[]>; instance: string };
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** The HTTP contract every runtime must honour, given a way to send requests. */
export function contractSuite(send: Send, { fixtures }: SuiteOptions) {
  describe('health', () => {
    it('answers 200 with status and version', async () => {
      const res = await send('/api/health');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      // The Node server mode adds the process's uptime and click buffer.
      expect(await res.json()).toMatchObject({ status: 'ok', version, db: 'ok' });
    });

    it('sets request id, Server-Timing and secure headers', async () => {
      const res = await send('/api/health');
      expect(res.headers.get('x-request-id')).toMatch(UUID);
      expect(res.headers.get('server-timing')).toMatch(/total;dur=[\d.]+/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    });

    it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
      const sane = await send('/api/health', { headers: { 'X-Request-Id': 'abc-123_DEF=' } });
      expect(sane.headers.get('x-request-id')).toBe('abc-123_DEF=');
      const unsafe = await send('/api/health', { headers: { 'X-Request-Id': 'a b<script>' } });
      expect(unsafe.headers.get('x-request-id')).toMatch(UUID);
      const long = await send('/api/health', { headers: { 'X-Request-Id': 'x'.repeat(300) } });
      expect(long.headers.get('x-request-id')).toMatch(UUID);
    });
  });

  describe('OpenAPI document', () => {
    it('is OpenAPI 3.1 with info, servers, tags and a bearer scheme', async () => {
      const res = await send('/api/openapi.json');
      expect(res.status).toBe(200);
      const doc = await res.json();
      expect(doc.openapi).toMatch(/^3\.1\./);
      expect(doc.info).toMatchObject({ title: 'Hop API', version });
      expect(doc.servers.length).toBeGreaterThan(0);
      expect(doc.tags.length).toBeGreaterThan(0);
      expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    });

    it('gives every operation an operationId and its problem responses', async () => {
      const doc = await (await send('/api/openapi.json')).json();
      const operations = Object.values(doc.paths as Record<string, Record<string, any>>).flatMap((item) =>
        Object.values(item),
      );
      expect(operations.length).toBeGreaterThanOrEqual(4);
      for (const op of operations) {
        expect(op.operationId).toEqual(expect.any(String));
        expect(op.responses['500'].content['application/problem+json'].schema.$ref).toBe(
          '#/components/schemas/Problem',
        );
        // followLink's slug is matched by the route's own pattern: a bad one is 404, never 422.
        if ((op.parameters?.length && op.operationId !== 'followLink') || op.requestBody) {
          expect(op.responses['422']).toBeDefined();
        }
        if (op.requestBody) for (const s of ['400', '413', '415']) expect(op.responses[s]).toBeDefined();
      }
      expect(doc.paths['/api/v1/qr'].get.responses['422']).toBeDefined();
      expect(doc.paths['/{slug}'].get.responses['422']).toBeUndefined();
    });
  });

  describe('docs', () => {
    it('serves Swagger UI from this origin only', async () => {
      const res = await send('/api/docs');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toContain('id="swagger-ui"');
      expect(html).toContain('src="/swagger-ui/swagger-ui-bundle.js"');
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
      expect(html).not.toMatch(/<script>/); // no inline script: CSP script-src 'self'
    });
  });

  describe('QR codes', () => {
    const qr = '/api/v1/qr?url=' + encodeURIComponent('https://example.com/a?b=c');

    it('renders a cacheable SVG of the requested size', async () => {
      const res = await send(`${qr}&size=300&margin=4&ecc=H`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
      expect(res.headers.get('etag')).toMatch(/^(W\/)?"/);
      const svg = await res.text();
      expect(svg).toMatch(/^<svg [^>]*width="300" height="300"/);
      expect(svg).toContain('<path d="M');
    });

    it('answers 304 to a matching If-None-Match', async () => {
      const first = await send(qr);
      const etag = first.headers.get('etag')!;
      const again = await send(qr, { headers: { 'If-None-Match': etag } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
    });

    it('encodes differently for a different ecc level', async () => {
      const low = await (await send(`${qr}&ecc=L`)).text();
      const high = await (await send(`${qr}&ecc=H`)).text();
      expect(low).not.toBe(high);
    });

    it.each([
      ['1,500 characters at ecc=H', `https://example.com/${'a'.repeat(1480)}`, 'H', /1273/],
      ['1,000 × € at ecc=L', `https://example.com/${'€'.repeat(1000)}`, 'L', /2953/],
    ])('answers a URL beyond QR capacity (%s) with 422 naming url and the capacity', async (_, url, ecc, capacity) => {
      const res = await send(`/api/v1/qr?url=${encodeURIComponent(url)}&ecc=${ecc}`);
      const body = await expectProblem(res, 422);
      expect(Object.keys(body.errors!)).toEqual(['url']);
      expect(body.errors!.url![0]).toMatch(capacity);
    });

    it('encodes a URL just within capacity', async () => {
      const res = await send(`/api/v1/qr?url=${encodeURIComponent(`https://example.com/${'a'.repeat(1200)}`)}&ecc=H`);
      expect(res.status).toBe(200);
    });

    it.each([
      ['a javascript: url', 'url=javascript:alert(1)', 'url'],
      ['a relative url', 'url=/foo', 'url'],
      ['a missing url', 'size=100', 'url'],
      ['a size below 64', 'url=https://a.example&size=63', 'size'],
      ['a size above 2048', 'url=https://a.example&size=2049', 'size'],
      ['a non-numeric size', 'url=https://a.example&size=big', 'size'],
      ['an unknown ecc', 'url=https://a.example&ecc=X', 'ecc'],
    ])('rejects %s with 422 naming the field', async (_, query, field) => {
      const body = await expectProblem(await send(`/api/v1/qr?${query}`), 422);
      expect(Object.keys(body.errors!)).toEqual([field]);
      expect(body.errors![field]![0]).toEqual(expect.any(String));
    });
  });

  describe('routing errors', () => {
    it('answers an unknown path under /api with 404', async () => {
      const body = await expectProblem(await send('/api/nope/nothing'), 404);
      expect(body.instance).toBe('/api/nope/nothing');
    });

    it('answers a known path with the wrong method with 405 and Allow', async () => {
      const res = await send('/api/health', { method: 'POST' });
      expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
      await expectProblem(res, 405);
      const del = await send('/api/v1/qr?url=https://a.example', { method: 'DELETE' });
      expect(del.status).toBe(405);
      expect(del.headers.get('allow')).toContain('GET');
    });

    // Methods Node's HTTP parser and workerd accept, that no route of ours implements.
    it.each(['PROPFIND', 'PURGE', 'MKCOL'])('answers %s, which nothing here implements, with 501', async (method) => {
      for (const path of ['/api/v1/links', '/some-slug', '/api/health']) {
        const body = await expectProblem(await send(path, { method }), 501);
        expect(body.detail).toContain(method);
        expect(JSON.stringify(body)).not.toMatch(/at \w+ \(|\/work\/|node_modules/);
      }
    });

    it('answers a plain OPTIONS with 204 and Allow', async () => {
      const res = await send('/api/health', { method: 'OPTIONS' });
      expect(res.status).toBe(204);
      expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    });
  });

  describe('CORS', () => {
    const preflight = (origin: string) =>
      send('/api/v1/qr', {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'authorization',
        },
      });

    it('answers a preflight from an allowed origin with 204 and CORS headers', async () => {
      const res = await preflight(ALLOWED_ORIGIN);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(res.headers.get('access-control-allow-methods')).toContain('GET');
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
      expect(res.headers.get('vary')).toContain('Origin');
    });

    it('gives no CORS headers to a preflight from another origin', async () => {
      const res = await preflight(FOREIGN_ORIGIN);
      for (const [name] of res.headers) expect(name).not.toMatch(/^access-control-/);
    });

    it('allows a simple request only from the allow-list', async () => {
      const ok = await send('/api/health', { headers: { Origin: ALLOWED_ORIGIN } });
      expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(ok.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
      const foreign = await send('/api/health', { headers: { Origin: FOREIGN_ORIGIN } });
      expect(foreign.status).toBe(200);
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
      expect(foreign.headers.get('vary')).toContain('Origin');
    });
  });

  // Real servers do not carry the fixture routes.
  if (fixtures)
    describe('request bodies and errors (fixture routes)', () => {
      const valid = { name: 'Ada', profile: { age: 36 } };

      it('accepts a valid JSON body', async () => {
        const res = await send('/api/v1/fixtures/echo', json(valid));
        expect(res.status).toBe(201);
        expect(await res.json()).toEqual(valid);
      });

      it('answers malformed JSON with 400', async () => {
        const body = await expectProblem(await send('/api/v1/fixtures/echo', json('{"name": "Ada",')), 400);
        expect(body.detail).toMatch(/JSON/);
      });

      it('answers a missing or wrong Content-Type with 415', async () => {
        const body = JSON.stringify(valid);
        await expectProblem(
          await send('/api/v1/fixtures/echo', { method: 'POST', body, headers: { 'Content-Type': 'text/plain' } }),
          415,
        );
        await expectProblem(
          await send('/api/v1/fixtures/echo', { method: 'POST', body: new TextEncoder().encode(body) }),
          415,
        );
      });

      it('answers a charset other than UTF-8 with 415 and bytes that are not UTF-8 with 400', async () => {
        const latin1 = new Uint8Array([
          ...new TextEncoder().encode('{"name":"caf'),
          0xe9,
          ...new TextEncoder().encode('","profile":{"age":1}}'),
        ]);
        const other = await send('/api/v1/fixtures/echo', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json; charset=iso-8859-1' },
          body: latin1,
        });
        expect((await expectProblem(other, 415)).detail).toMatch(/UTF-8/);
        const invalid = await send('/api/v1/fixtures/echo', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: latin1,
        });
        expect((await expectProblem(invalid, 400)).detail).toMatch(/UTF-8/);
        const utf8 = await send(
          '/api/v1/fixtures/echo',
          json({ ...valid, name: 'café' }, { 'Content-Type': 'application/json; charset=UTF-8' }),
        );
        expect(utf8.status).toBe(201);
        expect((await utf8.json()).name).toBe('café');
      });

      it('says what to send in a 415', async () => {
        const res = await send('/api/v1/fixtures/echo', {
          method: 'POST',
          body: '{}',
          headers: { 'Content-Type': 'text/plain' },
        });
        expect((await expectProblem(res, 415)).detail).toMatch(/application\/json/);
      });

      it('answers a body over the limit with 413', async () => {
        const big = { ...valid, name: 'x'.repeat(10_000) };
        const body = await expectProblem(await send('/api/v1/fixtures/echo', json(big)), 413);
        expect(body.detail).toContain('8192');
      });

      it('answers invalid fields with 422 and dotted field paths', async () => {
        const res = await send(
          '/api/v1/fixtures/echo',
          json({ name: 'A', profile: { age: -1 }, tags: ['ok', 'x'.repeat(11)] }),
        );
        const body = await expectProblem(res, 422);
        expect(Object.keys(body.errors!).sort()).toEqual(['name', 'profile.age', 'tags.1']);
      });

      it('validates path parameters and headers with 422', async () => {
        const param = await expectProblem(await send('/api/v1/fixtures/items/not-a-uuid'), 422);
        expect(Object.keys(param.errors!)).toEqual(['id']);
        const header = await expectProblem(
          await send(`/api/v1/fixtures/items/${crypto.randomUUID()}`, { headers: { 'X-Fixture-Mode': 'warp' } }),
          422,
        );
        expect(Object.keys(header.errors!)).toEqual(['x-fixture-mode']);
      });

      it('answers a thrown error with a generic 500 that leaks nothing', async () => {
        const res = await send('/api/v1/fixtures/boom');
        const body = await expectProblem(res, 500);
        expect(JSON.stringify(body)).not.toContain('hunter2');
        expect(body.detail).toMatch(/request id/);
      });
    });
}
