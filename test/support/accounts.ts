import type { Role } from '../../src/api/middleware/auth';
import type { Send } from '../contract/suite';
import { FIXTURE_ENV } from '../fixtures/fixture-app';

/** The bootstrap admin key every contract environment is configured with. */
export const ADMIN_KEY = FIXTURE_ENV.INITIAL_API_KEY;

export const bearer = (key: string, headers: Record<string, string> = {}) => ({
  ...headers,
  Authorization: `Bearer ${key}`,
});

export const jsonBody = (
  method: string,
  key: string,
  body: unknown,
  headers: Record<string, string> = {},
): RequestInit => ({
  method,
  headers: bearer(key, { 'Content-Type': 'application/json', ...headers }),
  body: JSON.stringify(body),
});

export const unique = (prefix: string) => `${prefix}${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;

/** A fresh user with `role` and an API key acting for it, made through the public API. */
export async function keyFor(send: Send, role: Role): Promise<{ key: string; userId: string; keyId: string }> {
  const user = await send(
    '/api/v1/users',
    jsonBody('POST', ADMIN_KEY, { email: `${unique(role)}@example.com`, name: `Test ${role}`, role }),
  );
  if (user.status !== 201) throw new Error(`creating a ${role} user: ${user.status} ${await user.text()}`);
  const { id: userId } = (await user.json()) as { id: string };
  const key = await send('/api/v1/keys', jsonBody('POST', ADMIN_KEY, { name: `${role} key`, userId }));
  if (key.status !== 201) throw new Error(`creating a ${role} key: ${key.status} ${await key.text()}`);
  const body = (await key.json()) as { id: string; key: string };
  return { key: body.key, userId, keyId: body.id };
}
