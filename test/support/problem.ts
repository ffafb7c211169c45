import { expect } from 'vitest';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  errors?: Record<string, string[]>;
}

/** Asserts an RFC 9457 problem response with `status` and returns its body. */
export async function expectProblem(res: Response, status: number): Promise<ProblemBody> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = JSON.parse(text) as ProblemBody;
  expect(body).toMatchObject({ status, instance: expect.any(String), title: expect.any(String) });
  expect(body.type).toMatch(/^(about:blank|urn:hop:problem:|https:\/\/iana\.org\/assignments\/http-problem-types#)/);
  expect(body.detail).toEqual(expect.any(String));
  expect(body.requestId).toBe(res.headers.get('x-request-id'));
  return body;
}

/** A 401 with a Bearer challenge, as RFC 6750 asks. */
export async function expectUnauthorized(res: Response): Promise<ProblemBody> {
  const body = await expectProblem(res, 401);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
  return body;
}

/** A 422 naming exactly `fields`. */
export async function expectInvalid(res: Response, fields: string[]): Promise<ProblemBody> {
  const body = await expectProblem(res, 422);
  expect(Object.keys(body.errors ?? {}).sort()).toEqual([...fields].sort());
  return body;
}

/** A 429 quota-exceeded problem (draft-ietf-httpapi-ratelimit-headers-10) naming exactly `policies`. */
export async function expectQuotaExceeded(res: Response, policies: string[]): Promise<ProblemBody> {
  const retryAfter = Number(res.headers.get('retry-after'));
  const body = await expectProblem(res, 429);
  expect(body.type).toBe('https://iana.org/assignments/http-problem-types#quota-exceeded');
  expect((body as ProblemBody & { 'violated-policies': string[] })['violated-policies']).toEqual(policies);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  const limits = rateLimits(res);
  for (const policy of policies) expect(limits[policy]?.r, policy).toBe(0);
  return body;
}

/** The RateLimit field by policy name: `"key";r=599;t=42` → { key: { r: 599, t: 42 } }. */
export function rateLimits(res: { headers: Headers }): Record<string, { r: number; t: number }> {
  const field = res.headers.get('ratelimit');
  if (!field) return {};
  return Object.fromEntries(
    field.split(',').map((item) => {
      const [name, ...params] = item.trim().split(';');
      const values = Object.fromEntries(params.map((p) => p.split('=') as [string, string]));
      return [JSON.parse(name!), { r: Number(values.r), t: Number(values.t) }];
    }),
  );
}
