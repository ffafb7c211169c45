import type { MiddlewareHandler } from 'hono';
import { problem } from '../../http/problem';
import { KEY_PATTERN } from '../../lib/api-key';
import type { AppEnv } from '../../lib/env';
import { addressPartition, enforce, knownFailedAuth } from '../rate-limit';
import { authenticate, roleAtLeast, type Role } from './principals';

export { Principals, ROLES, roleAtLeast, type Principal, type Role } from './principals';

const challenge = (error?: string) => ({
  'WWW-Authenticate': error ? `Bearer realm="hop", error="${error}"` : 'Bearer realm="hop"',
});

/**
 * Requires `Authorization: Bearer <API key>` of a user with at least `role`,
 * and counts the request against the key's quota. A presented key that is
 * unknown, revoked or expired counts against the client address's quota of
 * failed authentications; once that is used up, every key from that address
 * gets 429 (valid ones too: otherwise the answer would tell a guess that hit).
 * Both quotas are read in one store round trip.
 */
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
    const address = addressPartition(c);
    const early = knownFailedAuth(c, address);
    if (early) return early;
    const principal = await authenticate(c, secret);
    if (!principal) {
      const refused = await enforce(c, [{ policy: 'failed-auth', id: address }]);
      return (
        refused ??
        problem(c, 'unauthorized', {
          detail: 'The API key is unknown, revoked or expired.',
          headers: challenge('invalid_token'),
        })
      );
    }
    const refused = await enforce(c, [
      { policy: 'key', id: principal.keyId },
      { policy: 'failed-auth', id: address, peek: true },
    ]);
    if (refused) return refused;
    if (!roleAtLeast(principal.role, role)) {
      return problem(c, 'forbidden', {
        detail: `This operation needs the ${role} role; the key acts as ${principal.role}.`,
      });
    }
    c.set('principal', principal);
    await next();
  };
}
