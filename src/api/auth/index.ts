import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { problem } from '../http/problem';
import { KEY_PATTERN } from './keys';
import { authenticate, roleAtLeast, type Principal, type Role } from './principal';

export { generateKey, hashKey, keyPrefix, randomToken } from './keys';
export { forgetPrincipals, ROLES, roleAtLeast, type Principal, type Role } from './principal';

declare module 'hono' {
  interface ContextVariableMap {
    principal: Principal;
  }
}

const challenge = (error?: string) => ({
  'WWW-Authenticate': error ? `Bearer realm="hop", error="${error}"` : 'Bearer realm="hop"',
});

/** Requires `Authorization: Bearer <API key>` of a user with at least `role`. */
export function requireRole(role: Role): MiddlewareHandler<AppEnv> {
  return async function auth(c, next) {
    const header = c.req.header('Authorization');
    if (!header) {
      return problem(c, {
        status: 401,
        detail: 'An API key is required: Authorization: Bearer <key>.',
        headers: challenge(),
      });
    }
    const secret = /^Bearer +(\S+)$/i.exec(header)?.[1];
    if (!secret || !KEY_PATTERN.test(secret)) {
      return problem(c, {
        status: 401,
        detail: 'The Authorization header must be "Bearer hop_…" with an API key.',
        headers: challenge('invalid_request'),
      });
    }
    const principal = await authenticate(c, secret);
    if (!principal) {
      return problem(c, {
        status: 401,
        detail: 'The API key is unknown, revoked or expired.',
        headers: challenge('invalid_token'),
      });
    }
    if (!roleAtLeast(principal.role, role)) {
      return problem(c, {
        status: 403,
        detail: `This operation needs the ${role} role; the key acts as ${principal.role}.`,
      });
    }
    c.set('principal', principal);
    await next();
  };
}
