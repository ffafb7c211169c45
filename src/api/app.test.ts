import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFixtureApp, SECRET_ERROR } from '@/test/fixtures/fixture-app';

const app = createFixtureApp();
afterEach(() => vi.restoreAllMocks());

const lines = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.map((call) => JSON.parse(String(call[0])));

describe('logging', () => {
  it('logs one JSON line per request, without query or secrets', async () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    const res = await app.request('/api/v1/qr?url=https://a.example/?token=s3cret', {
      headers: { Authorization: 'Bearer hop_secret' },
    });
    expect(res.status).toBe(200);
    const [line] = lines(out);
    expect(line).toMatchObject({ level: 'info', msg: 'request', method: 'GET', path: '/api/v1/qr', status: 200 });
    expect(line.requestId).toBe(res.headers.get('x-request-id'));
    expect(line.durationMs).toEqual(expect.any(Number));
    expect(JSON.stringify(line)).not.toMatch(/s3cret|hop_secret/);
  });

  it('logs an unexpected error with the request id, and sends none of it', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const res = await app.request('/api/v1/fixtures/boom', {}, { LOG_LEVEL: 'error' });
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).not.toContain(SECRET_ERROR);
    const [line] = lines(err);
    expect(line).toMatchObject({ level: 'error', message: SECRET_ERROR, requestId: res.headers.get('x-request-id') });
  });

  it('answers 500 and names the variable in the log when config is invalid', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await app.request('/api/openapi.json', {}, { BODY_LIMIT_BYTES: 'huge' });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(lines(err)[0].message).toContain('BODY_LIMIT_BYTES');
  });

  it('stays quiet at LOG_LEVEL=silent', async () => {
    const out = vi.spyOn(console, 'log');
    await app.request('/api/openapi.json', {}, { LOG_LEVEL: 'silent' });
    expect(out).not.toHaveBeenCalled();
  });
});
