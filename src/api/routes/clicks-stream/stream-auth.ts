import type { MiddlewareHandler } from 'hono';
import { db, type Db } from '../../db';
import { problem } from '../../http/problem';
import { KEY_PATTERN } from '../../lib/api-key';
import type { Config } from '../../lib/config';
import type { AppEnv } from '../../lib/env';
import { iso } from '../../lib/time';
import { requireRole, type Principal } from '../../middleware/auth';
import { enforce } from '../../middleware/rate-limit';
import { TICKET_PRINCIPAL } from './clicks-stream.queries';
import { scopeKey, STREAM_TICKET_USE, verifyTicket } from './tickets';
import type { Scope } from './click-hub';

const refuse = (c: Parameters<MiddlewareHandler<AppEnv>>[0], detail: string) =>
  problem(c, 'unauthorized', { detail, headers: { 'WWW-Authenticate': 'Bearer realm="hop", error="invalid_token"' } });

/** The scope a stream request asks for, from its query. */
export const scopeOf = (query: { linkId?: string[]; tag?: string[]; bots?: Scope['bots'] }): Scope => ({
  linkIds: query.linkId ?? [],
  tags: query.tag ?? [],
  bots: query.bots ?? 'exclude',
});

/**
 * Who a ticket stands for, if it is valid for `scope` and its key still
 * works: one database round trip. For any host of the feed (the SSE route,
 * the Node server's WebSocket).
 */
export async function ticketPrincipal(
  config: Config,
  client: Db,
  token: string,
  scope: Scope,
): Promise<{ principal: Principal } | { error: string }> {
  const verdict = await verifyTicket(config, token, STREAM_TICKET_USE);
  if ('error' in verdict) return verdict;
  if (verdict.ticket.scope !== scopeKey(scope)) {
    return { error: 'The ticket was issued for another scope (linkId, tag, bots): ask for one for this scope.' };
  }
  const [row] = await client.query<Principal & { keyExpiresAt: Date | null }>(TICKET_PRINCIPAL, [verdict.ticket.keyId]);
  if (!row) return { error: 'The key this ticket was issued to is revoked or expired.' };
  return { principal: { ...row, keyExpiresAt: iso(row.keyExpiresAt) } };
}

/**
 * The stream's authentication: `?ticket=` (checked against the request's
 * scope and the key it was issued to, which must still work) or, without
 * one, an API key in `Authorization` as everywhere else. A key is never
 * taken from the URL, where logs and histories keep it.
 */
export function streamAuth(): MiddlewareHandler<AppEnv> {
  const byKey = requireRole('viewer');
  return async function streamAuth(c, next) {
    const token = c.req.query('ticket');
    if (token === undefined) return byKey(c, next);
    if (KEY_PATTERN.test(token)) {
      return refuse(
        c,
        'API keys are never accepted in a URL: exchange the key for a ticket (POST /api/v1/clicks/stream/tickets).',
      );
    }
    const scope = scopeOf({
      linkId: c.req.queries('linkId'),
      tag: c.req.queries('tag'),
      bots: c.req.query('bots') as Scope['bots'] | undefined,
    });
    const verdict = await ticketPrincipal(c.var.config, db(c), token, scope);
    if ('error' in verdict) return refuse(c, verdict.error);
    const { principal } = verdict;
    const refused = await enforce(c, [{ policy: 'key', id: principal.keyId }]);
    if (refused) return refused;
    c.set('principal', principal);
    await next();
  };
}
