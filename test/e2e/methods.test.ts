import { request } from 'node:http';
import { describe, expect, inject, it } from 'vitest';

// Methods Next cannot hand to a route handler, against a real `next start`.
// TRACE: the WHATWG Request constructor refuses it, Next answered a 500.
// PROPFIND & co.: Next's route module answered an empty 400. Both must be
// our problem+json: 501 Not Implemented (no resource here implements them).
// fetch() refuses to send TRACE at all, hence node:http.
const next = inject('servers').next!;

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(method: string, path: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(`${next}${path}`, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const NOT_IMPLEMENTED = [
  'TRACE',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'SEARCH',
  'QUERY',
  'PURGE',
];
const PATHS = ['/api/v1/links', '/any-slug', '/api/nothing-here', '/'];

describe('e2e next: methods Next rejects before routing', () => {
  it.each(NOT_IMPLEMENTED.flatMap((m) => PATHS.map((p) => [m, p])))(
    '%s %s → 501 problem+json',
    async (method, path) => {
      const res = await send(method, `${path}?q=1`);
      expect(res.status, res.body).toBe(501);
      expect(res.headers['content-type']).toBe('application/problem+json');
      const body = JSON.parse(res.body) as Record<string, unknown>;
      expect(body).toEqual({
        type: 'urn:hop:problem:not-implemented',
        title: 'Not implemented',
        status: 501,
        detail: expect.stringContaining(method),
        instance: path,
        requestId: res.headers['x-request-id'],
      });
      // Nothing about the server: no stack, no file paths.
      expect(res.body).not.toMatch(/\bat |\.next|node_modules|\/chunks\//);
    },
  );

  it('echoes a sane X-Request-Id and replaces an insane one', async () => {
    const sane = await send('TRACE', '/api/v1/links', { 'X-Request-Id': 'trace-check-1' });
    expect(sane.headers['x-request-id']).toBe('trace-check-1');
    expect(JSON.parse(sane.body)).toMatchObject({ requestId: 'trace-check-1' });
    const insane = await send('PROPFIND', '/api/v1/links', { 'X-Request-Id': 'no spaces <allowed>' });
    expect(insane.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('still hands the methods the app implements to the app: 405 with Allow', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await send(method, '/any-slug');
      expect(res.status, method).toBe(405);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    }
    const res = await send('DELETE', '/api/v1/qr');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toMatch(/^GET\b/);
  });
});
