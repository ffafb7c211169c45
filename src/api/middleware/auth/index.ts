import type { MiddlewareHandler } from 'hono';
import { problem } from '../../http/problem';
import { KEY_PATTERN } from '../../lib/api-key';
import type { AppEnv } from '../../lib/env';
import { authenticate, roleAtLeast, type Role } from './principals';

export { Principals, ROLES, roleAtLeast, type Principal, type Role } from './principals';

const challenge = (error?: string) => ({
  'WWW-Authenticate': error ? `Bearer realm="hop", error="${error}"` : 'Bearer realm="hop"',
});

/** Requires `Authorization: Bearer <API key>` of a user with at least `role`. */
export function requireRole(role: Role): MiddlewareHandler<AppEnv> {
  return async function auth(c, next) {
    const header = c.req.header('Authorization');
    if (!header) {
      return problem(c, 'unauthorized', {
        detail: 'An API key is required: Authorization: Bearer <key>.',
        headers: challenge(),
      });
    }
    const secret = /^Bearer +(\S+)$/i.exec(header)?.[1];
    if (!secret || !KEY_PATTERN.test(secret)) {
      return problem(c, 'unauthorized', {
        detail: 'The Authorization header must be "Bearer hop_…" with an API key.',
        headers: challenge('invalid_request'),
      });
    }
    const principal = await authenticate(c, secret);
    if (!principal) {
      return problem(c, 'unauthorized', {
        detail: 'The API key is unknown, revoked or expired.',
        headers: challenge('invalid_token'),
      });
    }
    if (!roleAtLeast(principal.role, role)) {
      return problem(c, 'forbidden', {
        detail: `This operation needs the ${role} role; the key acts as ${principal.role}.`,
      });
    }
    c.set('principal', principal);
    await next();
  };
}
