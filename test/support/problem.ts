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
  expect(body.type).toMatch(/^(about:blank|urn:hop:problem:)/);
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
